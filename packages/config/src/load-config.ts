import { parseEnv } from 'node:util';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

import { type Env, envSchema } from './env.schema.js';
import { weakSecretReason } from './secrets.js';

export type EnvSource = Readonly<Record<string, string | undefined>>;

/** Thrown when the environment does not satisfy the schema; `issues` names each bad variable. */
export class ConfigError extends Error {
  constructor(readonly issues: readonly { variable: string; problem: string }[]) {
    super(
      [
        'Invalid configuration:',
        ...issues.map(({ variable, problem }) => `  ${variable}: ${problem}`),
        'See .env.example for every setting and its format.',
      ].join('\n'),
    );
    this.name = 'ConfigError';
  }
}

function withoutEmptyValues(source: EnvSource): Record<string, string> {
  const entries = Object.entries(source).filter(
    (entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== '',
  );
  return Object.fromEntries(entries);
}

function productionProblems(env: Env): { variable: string; problem: string }[] {
  const problems: { variable: string; problem: string }[] = [];
  const dbPassword = decodeURIComponent(new URL(env.DATABASE_URL).password);
  const dbWeakness = weakSecretReason(dbPassword, 16);
  if (dbWeakness) problems.push({ variable: 'DATABASE_URL', problem: `its password ${dbWeakness}` });
  const redisPassword = decodeURIComponent(new URL(env.REDIS_URL).password);
  const redisWeakness = redisPassword ? weakSecretReason(redisPassword, 16) : null;
  if (redisWeakness) problems.push({ variable: 'REDIS_URL', problem: `its password ${redisWeakness}` });
  if (env.CORS_ORIGINS.some((origin) => origin.startsWith('http://'))) {
    problems.push({ variable: 'CORS_ORIGINS', problem: 'plain http:// origins are refused in production' });
  }
  return problems;
}

function toConfig(env: Env) {
  return {
    env: env.NODE_ENV,
    isProduction: env.NODE_ENV === 'production',
    /** Development only: internal error text and stacks reach the client. */
    exposeErrorDetails: env.NODE_ENV === 'development',
    log: { level: env.LOG_LEVEL },
    http: {
      host: env.HOST,
      port: env.PORT,
      trustProxy: env.TRUST_PROXY,
      corsOrigins: env.CORS_ORIGINS,
      bodyLimitBytes: env.HTTP_BODY_LIMIT_BYTES,
      maxBatchSize: env.TRPC_MAX_BATCH_SIZE,
      keepAliveTimeoutMs: env.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    },
    db: {
      url: env.DATABASE_URL,
      pool: { min: env.DB_POOL_MIN, max: env.DB_POOL_MAX },
      idleTimeoutMs: env.DB_IDLE_TIMEOUT_MS,
      statementTimeoutMs: env.DB_STATEMENT_TIMEOUT_MS,
      connectTimeoutMs: env.DB_CONNECT_TIMEOUT_MS,
    },
    redis: { url: env.REDIS_URL, keyPrefix: env.REDIS_KEY_PREFIX },
    worker: {
      concurrency: env.WORKER_CONCURRENCY,
      healthPort: env.WORKER_HEALTH_PORT,
      heartbeatIntervalMs: env.WORKER_HEARTBEAT_INTERVAL_MS,
    },
    health: { checkTimeoutMs: env.READY_CHECK_TIMEOUT_MS },
    shutdown: { timeoutMs: env.SHUTDOWN_TIMEOUT_MS },
  };
}

type DeepReadonly<T> = T extends (infer TItem)[]
  ? readonly DeepReadonly<TItem>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

export type Config = DeepReadonly<ReturnType<typeof toConfig>>;

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/**
 * Parses and validates the environment once. Empty strings count as unset.
 *
 * @param source the variables to read; tests pass a plain object, entry points pass `readEnv()`
 * @throws ConfigError naming every bad variable and what it expects
 */
export function loadConfig(source: EnvSource): Config {
  const present = withoutEmptyValues(source);
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => {
      const variable = String(issue.path[0] ?? '(environment)');
      return { variable, problem: variable in present ? issue.message : 'is required' };
    });
    throw new ConfigError(issues);
  }
  if (parsed.data.NODE_ENV === 'production') {
    const problems = productionProblems(parsed.data);
    if (problems.length > 0) throw new ConfigError(problems);
  }
  return deepFreeze(toConfig(parsed.data));
}

/**
 * The process environment with a `.env` file (if present in `cwd`) underneath it:
 * a variable already set in the environment wins over the file, as with dotenv.
 */
export function readEnv(cwd: string = process.cwd()): EnvSource {
  const file = resolve(cwd, '.env');
  const fromFile = existsSync(file) ? parseEnv(readFileSync(file, 'utf8')) : {};
  return { ...fromFile, ...process.env };
}

/** Entry points call this: a bad configuration stops the process before it accepts any work. */
export function loadConfigOrExit(source: EnvSource = readEnv()): Config {
  try {
    return loadConfig(source);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}
