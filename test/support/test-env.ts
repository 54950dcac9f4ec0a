import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';

import { type Config, type EnvSource, loadConfig } from '@groundwork/config';
import type { RedisMode, RedisTarget } from '@groundwork/queue';
import { inject } from 'vitest';

/** Where the test suite finds PostgreSQL (a role that may create databases) and Redis. */
export const TEST_DATABASE_ADMIN_URL =
  process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://groundwork:groundwork@127.0.0.1:5432/postgres';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
/**
 * One Redis server (the default) or a Redis Cluster, whose any node
 * TEST_REDIS_URL then names: CI runs the Redis-dependent files on a cluster
 * too (ADR 027). Every config and connection of the suite follows it.
 */
export const TEST_REDIS_MODE: RedisMode = redisModeOf(process.env.TEST_REDIS_MODE);
/** The suite's Redis as the product's connection factory takes it (`createFastFailRedis(TEST_REDIS, …)`). */
export const TEST_REDIS: RedisTarget = { url: TEST_REDIS_URL, mode: TEST_REDIS_MODE };

function redisModeOf(value: string | undefined): RedisMode {
  if (value === undefined || value === '' || value === 'standalone') return 'standalone';
  if (value === 'cluster') return 'cluster';
  throw new Error(`TEST_REDIS_MODE must be standalone or cluster, not ${value}`);
}
/** The project's migrations, by absolute path: process tests run in an empty working directory. */
export const PROJECT_MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations', import.meta.url));

/** A name nobody else uses in this run: for databases, key prefixes and queues. */
export function uniqueName(prefix: string): string {
  return `${prefix}${randomBytes(5).toString('hex')}`;
}

/** The Redis key prefixes this test file handed out (modules are per file), removed after it. */
const keyPrefixesHandedOut = new Set<string>();

/**
 * A Redis key prefix for one test's keys and queues, starting with this run's
 * prefix (from the global setup) so that a key left behind can be told apart
 * from those of other runs sharing the Redis.
 */
export function uniqueKeyPrefix(): string {
  const prefix = uniqueName(inject('redisKeyRunPrefix'));
  keyPrefixesHandedOut.add(prefix);
  return prefix;
}

/** The prefixes handed out since the last call. */
export function takeKeyPrefixes(): string[] {
  const prefixes = [...keyPrefixesHandedOut];
  keyPrefixesHandedOut.clear();
  return prefixes;
}

/**
 * Optional: a PgBouncer (transaction pooling) in front of the same server.
 * Test files then reach their databases through it, as production would;
 * the admin connection and the template stay direct (a pooled connection
 * left on the template would block cloning it).
 */
const TEST_DATABASE_POOLER_URL = process.env.TEST_DATABASE_POOLER_URL;

function withDatabase(base: string, database: string): string {
  const url = new URL(base);
  url.pathname = `/${database}`;
  return url.toString();
}

/** A test database's URL, through the pooler when one is configured. */
export function databaseUrl(database: string): string {
  return withDatabase(TEST_DATABASE_POOLER_URL ?? TEST_DATABASE_ADMIN_URL, database);
}

/** Always straight to PostgreSQL: for templates and whatever must not go through the pooler. */
export function directDatabaseUrl(database: string): string {
  return withDatabase(TEST_DATABASE_ADMIN_URL, database);
}

/** The environment of an integration test: its own database and its own Redis key prefix. */
export function testEnv(overrides: EnvSource & { DATABASE_URL: string }): Record<string, string> {
  const env: Record<string, string | undefined> = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    REDIS_URL: TEST_REDIS_URL,
    REDIS_MODE: TEST_REDIS_MODE,
    REDIS_KEY_PREFIX: uniqueKeyPrefix(),
    SHUTDOWN_TIMEOUT_MS: '5000',
    READY_CHECK_TIMEOUT_MS: '500',
    DB_CONNECT_TIMEOUT_MS: '1000',
    MIGRATIONS_DIR: PROJECT_MIGRATIONS_DIR,
    // Cheap hashing and generous limits keep the suite fast; the tests of those features set their own.
    BCRYPT_COST: '4',
    RATE_LIMIT_DEFAULT: '100000/minute',
    RATE_LIMIT_SIGNUP: '100000/minute',
    RATE_LIMIT_REFRESH: '100000/minute',
    RATE_LIMIT_ACCOUNT_EMAIL: '100000/minute',
    PASSWORD_HASH_QUEUE: '1000',
    // Tests of the daily limit reconcile explicitly; no timer's Redis commands land inside another test's counts.
    GATED_CALL_SYNC_INTERVAL_MS: '60000',
    ...overrides,
  };
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

export function testConfig(overrides: EnvSource & { DATABASE_URL: string }): Config {
  return loadConfig(testEnv(overrides));
}

/**
 * A configuration validated under production rules (strong secrets required),
 * then pointed at the test database, whose real credentials are weak by design.
 */
export function productionTestConfig(overrides: EnvSource & { DATABASE_URL: string }): Config {
  const strong = new URL(overrides.DATABASE_URL);
  strong.username = 'validated';
  strong.password = 'Zq8vN3kLp2Xr7Tw9Hb4M';
  const validated = testConfig({
    JWT_SECRET: 'mF3q9ZtV7xK2pL8wR4sN6bY1cH5jD0gA-Qe_Uo7iTz3',
    AUTH_TWO_FACTOR_SECRET: 'Rk7pW2xN9qL4vT8mZ3bH6cJ1dF5gS0aY-Ue_Io7nPq2',
    STRIPE_SECRET_KEY: 'sk_test_production_like_key',
    STRIPE_WEBHOOK_SECRET: 'whsec_Vh2LmX9pRt4sWz8NbK3cYf6GdJ1aUeq7Zt',
    STRIPE_PRICE_PRO_MONTHLY: 'price_1ProProductionLike',
    STRIPE_PRICE_BUSINESS_MONTHLY: 'price_1BusinessProductionLike',
    BILLING_SUCCESS_URL: 'https://app.example.test/billing/success',
    BILLING_CANCEL_URL: 'https://app.example.test/billing',
    BILLING_PORTAL_RETURN_URL: 'https://app.example.test/billing',
    BCRYPT_COST: '10',
    SMTP_URL: 'smtp://127.0.0.1:2525',
    MAIL_FROM: 'Groundwork <no-reply@example.test>',
    APP_URL: 'https://app.example.test',
    // Production caps account e-mail at 20 an hour; the suite's generous default would be refused.
    RATE_LIMIT_ACCOUNT_EMAIL: '20/hour',
    ...overrides,
    NODE_ENV: 'production',
    DATABASE_URL: strong.toString(),
  });
  return { ...validated, db: { ...validated.db, url: overrides.DATABASE_URL } };
}
