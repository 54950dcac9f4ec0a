import knex, { type Knex } from 'knex';
import { knexSnakeCaseMappers } from 'objection';

export type DbOptions = {
  url: string;
  pool: { min: number; max: number };
  idleTimeoutMs: number;
  statementTimeoutMs: number;
  connectTimeoutMs: number;
  /** Shows in `pg_stat_activity`, so an operator can tell the API's connections from the worker's. */
  applicationName?: string;
  /** Where knex's own warnings go (pool errors, deprecations) instead of the console. */
  logger?: { warn: (msg: string) => void; error: (msg: string) => void; debug: (msg: string) => void };
};

/**
 * The knex settings for one database; the knexfile and the apps share them so
 * the CLI and the running code see the same pool, timeouts and column naming.
 */
export function knexConfig(options: DbOptions): Knex.Config {
  return {
    client: 'pg',
    connection: {
      connectionString: options.url,
      // Client-side: the caller stops waiting. Not `statement_timeout`, a startup parameter PgBouncer refuses
      // (and `ignore_startup_parameters` silently drops); the server-side cap is the role's (ADR 013). 0 = none.
      ...(options.statementTimeoutMs > 0 ? { query_timeout: options.statementTimeoutMs } : {}),
      connectionTimeoutMillis: options.connectTimeoutMs,
      application_name: options.applicationName ?? 'groundwork',
    },
    pool: { min: options.pool.min, max: options.pool.max, idleTimeoutMillis: options.idleTimeoutMs },
    acquireConnectionTimeout: options.connectTimeoutMs,
    ...(options.logger ? { log: knexLog(options.logger) } : {}),
    // Tables and columns are snake_case in SQL and camelCase in code.
    ...knexSnakeCaseMappers(),
  };
}

function knexLog(logger: NonNullable<DbOptions['logger']>): Knex.Config['log'] {
  const text = (message: unknown) => (message instanceof Error ? message.message : String(message));
  return {
    warn: (message: unknown) => logger.warn(`knex: ${text(message)}`),
    error: (message: unknown) => logger.error(`knex: ${text(message)}`),
    deprecate: (method: string, alternative: string) =>
      logger.warn(`knex: ${method} is deprecated, use ${alternative}`),
    debug: (message: unknown) => logger.debug(`knex: ${text(message)}`),
  };
}

/**
 * The settings migrations run with, for the knex CLI and our own alike: no
 * statement timeout (building an index on a large table may rightly take
 * minutes), and a name of their own in `pg_stat_activity`.
 */
export function migrationDbOptions(options: DbOptions): DbOptions {
  return { ...options, statementTimeoutMs: 0, applicationName: 'groundwork-migrations' };
}

/** A pooled connection to PostgreSQL. Nothing connects until the first query. */
export function createDb(options: DbOptions): Knex {
  return knex(knexConfig(options));
}

/** Resolves when PostgreSQL answers a trivial query; readiness checks bound it with a timeout. */
export async function pingDatabase(db: Knex): Promise<void> {
  await db.raw('select 1');
}

export type { Knex } from 'knex';
