import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, test } from 'vitest';

import { connectTestDatabase, createDatabase, dropDatabase } from '../../../../test/support/postgres-admin.js';
import { databaseUrl, PROJECT_MIGRATIONS_DIR, uniqueName } from '../../../../test/support/test-env.js';
import type { Knex } from '../create-db.js';
import { dryRunLatest } from './dry-run.js';
import { listMigrationFiles } from './migration-source.js';
import { appliedMigrations } from './migration-status.js';

const FAILING_MIGRATION = `
export async function up(knex) {
  await knex.schema.createTable('dry_run_first', (table) => table.increments('id'));
  await knex.raw('select * from a_table_that_does_not_exist');
}
export async function down() {}
`;

describe('dry run of pending migrations', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function emptyDatabase() {
    const name = uniqueName('gwt_dryrun_');
    await createDatabase(name);
    cleanups.push(() => dropDatabase(name));
    const db = connectTestDatabase(databaseUrl(name));
    cleanups.push(() => db.destroy());
    return db;
  }

  async function tables(db: Knex): Promise<string[]> {
    const rows: { tableName: string }[] = await db('information_schema.tables')
      .where({ tableSchema: 'public' })
      .select('tableName');
    return rows.map((row) => row.tableName);
  }

  test('when every migration is pending, then each runs, its SQL is reported, and afterwards nothing exists', async () => {
    const db = await emptyDatabase();

    const report = await dryRunLatest(db, PROJECT_MIGRATIONS_DIR);

    const expected = (await listMigrationFiles(PROJECT_MIGRATIONS_DIR)).map((m) => m.name);
    expect(report.failure).toBeNull();
    expect(report.migrations.map((m) => m.name)).toEqual(expected);
    expect(report.migrations.flatMap((m) => m.statements).join('\n')).toMatch(/create table users \(/i);
    expect(report.migrations.flatMap((m) => m.statements)).not.toContain('ROLLBACK');
    expect(await tables(db)).toEqual([]);
    expect(await appliedMigrations(db)).toEqual([]);
  });

  test('when a migration fails, then the report names it and its error, and nothing is left behind', async () => {
    const db = await emptyDatabase();
    const folder = await mkdtemp(join(tmpdir(), 'groundwork-dry-run-'));
    cleanups.push(() => rm(folder, { recursive: true, force: true }));
    await writeFile(join(folder, 'package.json'), '{ "type": "module" }\n');
    await writeFile(
      join(folder, '20260101000000_fine.js'),
      `export const up = (knex) => knex.schema.createTable('dry_run_fine', (t) => t.increments('id'));\nexport const down = () => undefined;\n`,
    );
    await writeFile(join(folder, '20260102000000_broken.js'), FAILING_MIGRATION);

    const report = await dryRunLatest(db, folder);

    expect(report.failure).toEqual({
      name: '20260102000000_broken.ts',
      message: expect.stringContaining('a_table_that_does_not_exist') as unknown,
    });
    expect(report.migrations.map((m) => m.name)).toEqual(['20260101000000_fine.ts', '20260102000000_broken.ts']);
    expect(report.migrations[1]?.statements.join('\n')).toMatch(/create table "dry_run_first"/i);
    expect(await tables(db)).toEqual([]);
  });
});
