/**
 * For the knex CLI (`npm run db:*`), which runs it through tsx. The apps build
 * their connections from the same `knexConfig`, so pool, timeouts and naming match.
 */
import { loadConfigOrExit } from '@groundwork/config';
import { knexConfig } from '@groundwork/db';
import type { Knex } from 'knex';

const config = loadConfigOrExit();

const knexfile: Knex.Config = {
  // No statement timeout: a migration that builds an index on a large table may rightly take minutes.
  ...knexConfig({ ...config.db, statementTimeoutMs: 0, applicationName: 'groundwork-migrations' }),
  migrations: {
    directory: './migrations',
    extension: 'ts',
    loadExtensions: ['.ts'],
    stub: './scripts/templates/migration.ts.stub',
  },
};

export default knexfile;
