import type { BackgroundCheck } from '@groundwork/core';
import type { Knex } from 'knex';

import { listMigrationFiles } from './migration-source.js';

const MIGRATIONS_TABLE = 'knex_migrations';

/**
 * Names recorded in knex's table, in the order they were applied; none when
 * the table does not exist yet. Read-only: unlike `knex.migrate.list`, it
 * never creates knex's tables, so a probe may call it with any role.
 */
export async function appliedMigrations(db: Knex): Promise<string[]> {
  const { rows } = await db.raw<{ rows: { exists: boolean }[] }>('select to_regclass(?) is not null as exists', [
    MIGRATIONS_TABLE,
  ]);
  if (!rows[0]?.exists) return [];
  const applied: { name: string }[] = await db(MIGRATIONS_TABLE).orderBy('id').select('name');
  return applied.map((row) => row.name);
}

export type MigrationStatus = {
  applied: string[];
  /** Known to the code, not yet applied: the database is behind. */
  pending: string[];
};

/** Which of `expected` (the code's migrations, oldest first) the database has not applied. */
export async function migrationStatus(db: Knex, expected: readonly string[]): Promise<MigrationStatus> {
  const applied = await appliedMigrations(db);
  const done = new Set(applied);
  return { applied, pending: expected.filter((name) => !done.has(name)) };
}

/**
 * The `migrations` readiness check: `ok` once every migration in `directory`
 * is applied, else `pending: <names>`. It gates readiness (code running on a
 * schema it does not know fails in ways no retry fixes) and stops once `ok`:
 * applied migrations stay applied. The directory is read once, on the first
 * run that succeeds. A database ahead of the code (a newer release migrated
 * it) is `ok`: the old code must keep serving during a rolling deploy.
 *
 * @param options.directory absolute, or relative to the working directory
 * @param options.intervalMs how often to look again while behind
 */
export function migrationsCheck(db: Knex, options: { directory: string; intervalMs: number }): BackgroundCheck {
  let expected: string[] | null = null;
  return {
    gating: true,
    untilOk: true,
    intervalMs: options.intervalMs,
    async run() {
      expected ??= (await listMigrationFiles(options.directory)).map((migration) => migration.name);
      const { pending } = await migrationStatus(db, expected);
      return pending.length === 0 ? 'ok' : `pending: ${pending.join(', ')}`;
    },
  };
}
