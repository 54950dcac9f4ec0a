import { z } from 'zod';

import { corsOrigins, durationMs, logLevel, port, positiveInt, trustProxy } from './fields.js';

/**
 * Every setting the API and the worker read, in one schema. Each key has a safe
 * development default or is required; `.env.example` documents them all.
 */
export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: logLevel.default('info'),

  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: port.default(3000),
  TRUST_PROXY: trustProxy.default(0),
  CORS_ORIGINS: corsOrigins.default([]),
  // Upper bounds from the security bar (SEC-07): larger bodies or batches are a denial-of-service lever.
  HTTP_BODY_LIMIT_BYTES: positiveInt.max(100 * 1024).default(100 * 1024),
  TRPC_MAX_BATCH_SIZE: positiveInt.max(10).default(10),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: durationMs.default(65_000),
  SHUTDOWN_TIMEOUT_MS: durationMs.default(10_000),
  READY_CHECK_TIMEOUT_MS: durationMs.default(1_000),

  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: 'expected a postgres:// URL' }),
  DB_POOL_MIN: z.coerce.number().int().min(0).default(0),
  DB_POOL_MAX: positiveInt.default(10),
  DB_IDLE_TIMEOUT_MS: durationMs.default(30_000),
  DB_STATEMENT_TIMEOUT_MS: durationMs.default(10_000),
  DB_CONNECT_TIMEOUT_MS: durationMs.default(5_000),

  REDIS_URL: z
    .url({ protocol: /^rediss?$/, error: 'expected a redis:// or rediss:// URL' })
    .default('redis://127.0.0.1:6379'),
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'expected 1-32 lowercase letters, digits, "-" or "_"')
    .default('gw'),

  WORKER_CONCURRENCY: positiveInt.max(100).default(5),
  WORKER_HEALTH_PORT: port.default(3001),
  WORKER_HEARTBEAT_INTERVAL_MS: durationMs.default(30_000),
});

export type Env = z.infer<typeof envSchema>;
