import type { Knex } from 'knex';

import { createMigrationSource } from './migration-source.js';

/** Migrates to the latest version; returns the names applied by this call. */
export async function migrateLatest(db: Knex, directory: string): Promise<string[]> {
  const [, applied] = (await db.migrate.latest({ migrationSource: createMigrationSource(directory) })) as [
    number,
    string[],
  ];
  return applied;
}

/** Rolls back the latest batch, or with `all` every applied migration, newest first. */
export async function rollback(db: Knex, directory: string, options: { all: boolean }): Promise<string[]> {
  const [, reverted] = (await db.migrate.rollback(
    { migrationSource: createMigrationSource(directory) },
    options.all,
  )) as [number, string[]];
  return reverted;
}

/** Rolls back every applied migration, newest first. */
export function rollbackAll(db: Knex, directory: string): Promise<string[]> {
  return rollback(db, directory, { all: true });
}
