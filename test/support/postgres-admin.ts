import { createDb, type Knex } from '@groundwork/db';
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

/**
 * On a machine whose PostgreSQL trusts local connections (a fresh dev or CI
 * box), creates the test role through the `postgres` superuser, once. Does
 * nothing when TEST_DATABASE_ADMIN_URL was set explicitly.
 */
async function createTestRoleIfPossible(): Promise<boolean> {
  if (process.env.TEST_DATABASE_ADMIN_URL) return false;
  const superuser = new pg.Client({
    connectionString: 'postgres://postgres@127.0.0.1:5432/postgres',
    connectionTimeoutMillis: 3_000,
  });
  try {
    await superuser.connect();
    const { rowCount } = await superuser.query("select 1 from pg_roles where rolname = 'groundwork'");
    if (rowCount === 0) await superuser.query("create role groundwork login createdb password 'groundwork'");
    return true;
  } catch {
    return false;
  } finally {
    await superuser.end().catch(() => undefined);
  }
}

/** Fails with a message that says how to get PostgreSQL, rather than a bare ECONNREFUSED. */
export async function assertPostgresReachable(): Promise<void> {
  try {
    await withAdmin((client) => client.query('select 1'));
  } catch (error) {
    if (await createTestRoleIfPossible()) {
      await withAdmin((client) => client.query('select 1'));
      return;
    }
    throw new Error(
      `Integration tests need PostgreSQL at ${TEST_DATABASE_ADMIN_URL} (set TEST_DATABASE_ADMIN_URL to change it). ` +
        'Start one with `docker compose up -d postgres` or your OS package; `.ci/run` shows the setup.',
      { cause: error },
    );
  }
}

/** A pooled connection to a test database, with the suite's short timeouts (0: no statement timeout). */
export function connectTestDatabase(
  url: string,
  options: { poolMax?: number; statementTimeoutMs?: number } = {},
): Knex {
  return createDb({
    url,
    pool: { min: 0, max: options.poolMax ?? 2 },
    idleTimeoutMs: 1_000,
    statementTimeoutMs: options.statementTimeoutMs ?? 30_000,
    connectTimeoutMs: 3_000,
  });
}
