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

/** Rolls back every applied migration, newest first. */
export async function rollbackAll(db: Knex, directory: string): Promise<string[]> {
  const [, reverted] = (await db.migrate.rollback({ migrationSource: createMigrationSource(directory) }, true)) as [
    number,
    string[],
  ];
  return reverted;
}
