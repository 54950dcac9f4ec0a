/**
 * For people who use the knex CLI directly (`node --import tsx node_modules/knex/bin/cli.js
 * --knexfile knexfile.ts …`); `npm run db:*` runs our own CLI (scripts/db.ts). Both record
 * migrations under the same `.ts` names and connect with the same settings.
 */
import { loadConfigOrExit } from '@groundwork/config';
import { knexConfig, migrationDbOptions } from '@groundwork/db';
import type { Knex } from 'knex';

const config = loadConfigOrExit();

const knexfile: Knex.Config = {
  ...knexConfig(migrationDbOptions(config.db)),
  migrations: {
    directory: config.db.migrationsDirectory,
    extension: 'ts',
    loadExtensions: ['.ts'],
    stub: './scripts/templates/migration.ts.stub',
  },
};

export default knexfile;
