import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import type { Knex } from 'knex';

export type MigrationModule = {
  up: (knex: Knex) => Promise<void>;
  down: (knex: Knex) => Promise<void>;
  config?: Knex.MigratorConfig & { transaction?: boolean };
};

/** One migration: the name knex records, and the file that holds it. */
export type MigrationFile = { name: string; file: string };

const MIGRATION_FILE = /^(\d{14}_[\w-]+)\.(ts|js)$/;

/**
 * The migrations in `directory`, oldest first. A migration may be a `.ts`
 * source (run under tsx or vitest) or compiled `.js` (plain node); either way
 * its name is `<timestamp>_<name>.ts`, as the knex CLI has always recorded it,
 * so a database migrated by one runner can be rolled back by the other. Where
 * both files exist the `.js` wins: compiled output next to its sources only
 * exists in a build, which may run without a TypeScript loader.
 */
export async function listMigrationFiles(directory: string): Promise<MigrationFile[]> {
  const byName = new Map<string, MigrationFile>();
  for (const file of await readdir(directory)) {
    const match = MIGRATION_FILE.exec(file);
    if (!match) continue;
    const name = `${match[1] ?? ''}.ts`;
    if (byName.has(name) && match[2] === 'ts') continue;
    byName.set(name, { name, file });
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** Loads one migration with `import()`, the same way under tsx, vitest and plain node. */
export async function loadMigration(directory: string, migration: MigrationFile): Promise<MigrationModule> {
  return (await import(pathToFileURL(join(directory, migration.file)).href)) as MigrationModule;
}

/**
 * A knex migration source over {@link listMigrationFiles}: the migrator, the
 * round-trip check, readiness and the dry run all see the same names.
 *
 * @param directory absolute, or relative to the working directory (never to this file, which may be bundled)
 */
export function createMigrationSource(directory: string): Knex.MigrationSource<MigrationFile> {
  return {
    getMigrations: () => listMigrationFiles(directory),
    getMigrationName: (migration) => migration.name,
    getMigration: (migration) => loadMigration(directory, migration),
  };
}
