import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, test } from 'vitest';

import { connectTestDatabase, createDatabase, dropDatabase } from '../../../../test/support/postgres-admin.js';
import { databaseUrl, PROJECT_MIGRATIONS_DIR, uniqueName } from '../../../../test/support/test-env.js';
import { type MigrationCliDeps, runMigrationCli } from './cli.js';
import { listMigrationFiles } from './migration-source.js';
import { compileMigrations } from './testing/compile-migrations.js';

const TEMPLATE = new URL('../../../../scripts/templates/migration.ts.stub', import.meta.url).pathname;
const count = async () => (await listMigrationFiles(PROJECT_MIGRATIONS_DIR)).length;

describe('db command', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function cli(overrides: Partial<MigrationCliDeps> = {}) {
    const name = uniqueName('gwt_cli_');
    await createDatabase(name);
    cleanups.push(() => dropDatabase(name));
    const out: string[] = [];
    const err: string[] = [];
    const deps: MigrationCliDeps = {
      connect: () => connectTestDatabase(databaseUrl(name), { statementTimeoutMs: 0 }),
      directory: () => PROJECT_MIGRATIONS_DIR,
      template: TEMPLATE,
      out: (line) => out.push(line),
      err: (line) => err.push(line),
      ...overrides,
    };
    return {
      run: async (...argv: string[]) => {
        out.length = 0;
        err.length = 0;
        return { code: await runMigrationCli(argv, deps), out: out.join('\n'), err: err.join('\n') };
      },
    };
  }

  test('when migrated, then status lists every migration as applied, and a rollback from compiled .js undoes the batch', async () => {
    const { run } = await cli();
    const total = await count();
    const compiled = await compileMigrations(PROJECT_MIGRATIONS_DIR);
    cleanups.push(() => rm(compiled, { recursive: true, force: true }));

    const first = await run('latest');
    const status = await run('status');
    const again = await run('latest');
    const rolledBack = await run('rollback', '--dir', compiled);
    const afterRollback = await run('status');

    expect(first).toMatchObject({
      code: 0,
      out: expect.stringMatching(/^Applied \d+: 20261129000000_foundation\.ts, /) as unknown,
    });
    expect(status.out).toContain('applied  20261129120000_billing.ts');
    expect(status.out).toContain(`${total} applied, 0 pending.`);
    expect(again.out).toBe('Already up to date.');
    expect(rolledBack).toMatchObject({ code: 0, out: expect.stringContaining(`Rolled back ${total}:`) as unknown });
    expect(afterRollback.out).toContain(`0 applied, ${total} pending.`);
  });

  test('when asked for a dry run, then it prints the SQL of each pending migration and applies nothing', async () => {
    const { run } = await cli();
    const total = await count();

    const dryRun = await run('latest', '--dry-run');
    const status = await run('status');

    expect(dryRun.code).toBe(0);
    expect(dryRun.out).toContain('-- 20261129000000_foundation.ts');
    expect(dryRun.out).toMatch(/create table users/i);
    expect(dryRun.out).not.toContain(';;');
    expect(dryRun.out).toContain(`-- Dry run: ${total} pending migrations ran and were rolled back; nothing changed.`);
    expect(status.out).toContain(`0 applied, ${total} pending.`);
  });

  test('when making a migration, then the template is written under a UTC timestamp, without a database', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'groundwork-make-'));
    cleanups.push(() => rm(folder, { recursive: true, force: true }));
    const out: string[] = [];
    const deps: MigrationCliDeps = {
      connect: () => {
        throw new Error('make must not connect');
      },
      directory: () => {
        throw new Error('make must not need the configuration');
      },
      template: TEMPLATE,
      out: (line) => out.push(line),
      err: (line) => out.push(line),
      now: () => new Date('2026-12-01T09:08:07Z'),
    };

    const code = await runMigrationCli(['make', 'add_invoices', '--dir', folder], deps);
    const refused = await runMigrationCli(['make', 'Bad Name', '--dir', folder], deps);

    expect(code).toBe(0);
    expect(await readdir(folder)).toEqual(['20261201090807_add_invoices.ts']);
    expect(await readFile(join(folder, '20261201090807_add_invoices.ts'), 'utf8')).toBe(
      await readFile(TEMPLATE, 'utf8'),
    );
    expect(refused).toBe(2);
  });

  test('when the command is unknown, then it prints the usage and exits 2', async () => {
    const { run } = await cli();

    const result = await run('sideways');

    expect(result.code).toBe(2);
    expect(result.err).toContain('latest [--dry-run]');
  });
});
