import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import type { Knex } from 'knex';

type MigrationModule = {
  up: (knex: Knex) => Promise<void>;
  down: (knex: Knex) => Promise<void>;
  config?: Knex.MigratorConfig;
};

const MIGRATION_FILE = /^\d{14}_[\w-]+\.ts$/;

/**
 * Loads migrations with `import()`, so they run from their `.ts` sources under
 * tsx and under vitest alike. Names keep their `.ts` extension, exactly as the
 * knex CLI records them: both can work on the same database.
 */
export function createMigrationSource(directory: string): Knex.MigrationSource<string> {
  return {
    async getMigrations() {
      const files = await readdir(directory);
      return files.filter((file) => MIGRATION_FILE.test(file)).sort();
    },
    getMigrationName: (file) => file,
    async getMigration(file) {
      const loaded = (await import(pathToFileURL(join(directory, file)).href)) as MigrationModule;
      return loaded;
    },
  };
}
