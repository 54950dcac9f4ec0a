import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';

import { connectTestDatabase, createDatabase, dropDatabase } from '../../../../test/support/postgres-admin.js';
import { databaseUrl, PROJECT_MIGRATIONS_DIR, uniqueName } from '../../../../test/support/test-env.js';
import type { Knex } from '../create-db.js';
import { migrateLatest, rollbackAll } from './migrate.js';
import { listMigrationFiles } from './migration-source.js';
import { appliedMigrations } from './migration-status.js';
import { compileMigrations } from './testing/compile-migrations.js';

describe('migrations from .ts sources or compiled .js', () => {
  let compiled: string;
  const scratch: string[] = [];
  beforeAll(async () => {
    compiled = await compileMigrations(PROJECT_MIGRATIONS_DIR);
  });
  afterAll(async () => {
    await rm(compiled, { recursive: true, force: true });
  });
  afterEach(async () => {
    for (const name of scratch.splice(0)) await dropDatabase(name);
  });

  async function emptyDatabase() {
    const name = uniqueName('gwt_runner_');
    scratch.push(name);
    await createDatabase(name);
    return connectTestDatabase(databaseUrl(name));
  }

  async function userTables(db: Knex): Promise<string[]> {
    const rows: { tableName: string }[] = await db('information_schema.tables')
      .where({ tableSchema: 'public' })
      .whereNot('tableName', 'like', 'knex_migrations%')
      .select('tableName');
    return rows.map((row) => row.tableName).sort();
  }

  const expectedNames = async () => (await listMigrationFiles(PROJECT_MIGRATIONS_DIR)).map((m) => m.name);

  test('when migrated from the .ts sources and rolled back from compiled .js, then knex records .ts names and the schema empties', async () => {
    const db = await emptyDatabase();
    try {
      const applied = await migrateLatest(db, PROJECT_MIGRATIONS_DIR);
      const recorded = await appliedMigrations(db);
      const tablesAfterUp = await userTables(db);

      const reverted = await rollbackAll(db, compiled);

      expect((await readdir(compiled)).filter((file) => file.endsWith('.ts'))).toEqual([]);
      expect(recorded).toEqual(await expectedNames());
      expect(applied).toEqual(recorded);
      expect(tablesAfterUp).toEqual(expect.arrayContaining(['users', 'organizations', 'stripe_events']));
      expect(reverted).toEqual([...recorded].reverse());
      expect(await userTables(db)).toEqual([]);
      expect(await appliedMigrations(db)).toEqual([]);
    } finally {
      await db.destroy();
    }
  });

  test('when migrated from compiled .js and rolled back from the .ts sources, then the names match and the schema empties', async () => {
    const db = await emptyDatabase();
    try {
      await migrateLatest(db, compiled);
      const recorded = await appliedMigrations(db);
      const tablesAfterUp = await userTables(db);

      const reverted = await rollbackAll(db, PROJECT_MIGRATIONS_DIR);

      expect(recorded).toEqual(await expectedNames());
      expect(tablesAfterUp).toEqual(expect.arrayContaining(['users', 'organizations', 'stripe_events']));
      expect(reverted).toHaveLength(recorded.length);
      expect(await userTables(db)).toEqual([]);
    } finally {
      await db.destroy();
    }
  });

  test('when compiled, then plain node without a TypeScript loader imports every migration', async () => {
    const urls = (await listMigrationFiles(compiled)).map((m) => pathToFileURL(join(compiled, m.file)).href);
    const script = `for (const url of ${JSON.stringify(urls)}) { const m = await import(url); if (typeof m.up !== 'function' || typeof m.down !== 'function') throw new Error(url); } console.log('loaded');`;

    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script]);

    expect(urls.length).toBeGreaterThan(0);
    expect(stdout.trim()).toBe('loaded');
  });

  test('when a folder holds a migration as both .ts and .js, then it is listed once, by its .ts name, from the .js', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'groundwork-migrations-both-'));
    try {
      for (const file of ['20260101000000_a.ts', '20260101000000_a.js', '20260102000000_b.ts', 'notes.md', 'x.d.ts']) {
        await writeFile(join(folder, file), '');
      }

      const listed = await listMigrationFiles(folder);

      expect(listed).toEqual([
        { name: '20260101000000_a.ts', file: '20260101000000_a.js' },
        { name: '20260102000000_b.ts', file: '20260102000000_b.ts' },
      ]);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
