import pg from 'pg';

import { TEST_DATABASE_ADMIN_URL } from './test-env.js';

async function withAdmin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_ADMIN_URL, connectionTimeoutMillis: 3_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`;

export function createDatabase(name: string, template?: string): Promise<void> {
  const from = template ? ` template ${quoted(template)}` : '';
  return withAdmin(async (client) => {
    await client.query(`create database ${quoted(name)}${from}`);
  });
}

export function dropDatabase(name: string): Promise<void> {
  return withAdmin(async (client) => {
    await client.query(`drop database if exists ${quoted(name)} with (force)`);
  });
}

/** Fails with a message that says how to get PostgreSQL, rather than a bare ECONNREFUSED. */
export async function assertPostgresReachable(): Promise<void> {
  try {
    await withAdmin((client) => client.query('select 1'));
  } catch (error) {
    throw new Error(
      `Integration tests need PostgreSQL at ${TEST_DATABASE_ADMIN_URL} (set TEST_DATABASE_ADMIN_URL to change it). ` +
        'Start one with `docker compose up -d postgres` or your OS package; `.ci/run` shows the setup.',
      { cause: error },
    );
  }
}
