import { parseEnv } from 'node:util';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

import { type Env, envSchema } from './env.schema.js';
import { ruleInputSchema, ruleProblems } from './rules.js';

export type EnvSource = Readonly<Record<string, string | undefined>>;

/** Thrown when the environment does not satisfy the schema; `issues` names each bad variable. */
export class ConfigError extends Error {
  constructor(
    readonly issues: readonly { variable: string; problem: string }[],
    hint?: string,
  ) {
    super(
      [
        'Invalid configuration:',
        ...issues.map(({ variable, problem }) => `  ${variable}: ${problem}`),
        ...(hint ? [hint] : []),
        'See .env.example for every setting and its format.',
      ].join('\n'),
    );
    this.name = 'ConfigError';
  }
}

/** The usual newcomer case: no .env, so NODE_ENV is unset and production's rules apply. */
function unsetEnvironmentHint(present: Record<string, string>): string | undefined {
  if (present.NODE_ENV !== undefined) return undefined;
  return 'NODE_ENV is unset, so production rules apply. For local use: cp .env.example .env (it sets NODE_ENV=development).';
}

function withoutEmptyValues(source: EnvSource): Record<string, string> {
  const entries = Object.entries(source).filter(
    (entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== '',
  );
  return Object.fromEntries(entries);
}

/** Signs development tokens only: production refuses it (too weak: it says "development"). */
const DEVELOPMENT_JWT_SECRET = 'insecure-development-jwt-secret-never-use-in-production-0';

function toConfig(env: Env) {
  return {
    env: env.NODE_ENV,
    isProduction: env.NODE_ENV === 'production',
    /** Development only: internal error text and stacks reach the client. */
    exposeErrorDetails: env.NODE_ENV === 'development',
    log: {
      level: env.LOG_LEVEL,
      pretty: (env.LOG_FORMAT ?? (env.NODE_ENV === 'development' ? 'pretty' : 'json')) === 'pretty',
    },
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
      migrationsDirectory: env.MIGRATIONS_DIR,
    },
    redis: { url: env.REDIS_URL, keyPrefix: env.REDIS_KEY_PREFIX },
    worker: {
      concurrency: env.WORKER_CONCURRENCY,
      healthPort: env.WORKER_HEALTH_PORT,
      heartbeatIntervalMs: env.WORKER_HEARTBEAT_INTERVAL_MS,
      scheduleCheckIntervalMs: env.WORKER_SCHEDULE_CHECK_INTERVAL_MS,
    },
    health: {
      checkTimeoutMs: env.READY_CHECK_TIMEOUT_MS,
      migrationCheckIntervalMs: env.MIGRATION_CHECK_INTERVAL_MS,
      stripeIntervalMs: env.STRIPE_HEALTH_INTERVAL_MS,
    },
    metrics: { token: env.METRICS_TOKEN ?? null },
    tracing: { enabled: env.OTEL_TRACING_ENABLED, endpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT },
    admin: {
      credentials:
        env.ADMIN_USERNAME && env.ADMIN_PASSWORD
          ? { username: env.ADMIN_USERNAME, password: env.ADMIN_PASSWORD }
          : null,
    },
    auth: {
      jwt: {
        algorithm: env.JWT_ALGORITHM,
        keyId: env.JWT_KEY_ID,
        secret: env.JWT_SECRET ?? DEVELOPMENT_JWT_SECRET,
        privateKeyPem: env.JWT_PRIVATE_KEY ?? null,
        previousPublicKeysPem: env.JWT_PREVIOUS_PUBLIC_KEYS ?? {},
        issuer: env.JWT_ISSUER,
        audience: env.JWT_AUDIENCE,
      },
      accessTokenTtlSeconds: env.ACCESS_TOKEN_TTL_SECONDS,
      refreshTokenTtlSeconds: env.REFRESH_TOKEN_TTL_SECONDS,
      refreshReuseGraceSeconds: env.REFRESH_REUSE_GRACE_SECONDS,
      refreshCookie: env.AUTH_REFRESH_COOKIE,
      bcryptCost: env.BCRYPT_COST,
      validAfterCacheTtlMs: env.AUTH_VALID_AFTER_CACHE_TTL_MS,
      passwordHashing: { concurrency: env.PASSWORD_HASH_CONCURRENCY, queue: env.PASSWORD_HASH_QUEUE },
      membershipCacheTtlMs: env.MEMBERSHIP_CACHE_TTL_MS,
    },
    billing: {
      stripeSecretKey: env.STRIPE_SECRET_KEY ?? null,
      webhookSecret: env.STRIPE_WEBHOOK_SECRET ?? null,
      apiBase: env.STRIPE_API_BASE ?? null,
      /** Webhooks must come from the same mode as the key: live keys accept only live events. */
      livemode: env.STRIPE_SECRET_KEY?.includes('_live_') ?? false,
      prices: {
        pro: {
          month: env.STRIPE_PRICE_PRO_MONTHLY,
          ...(env.STRIPE_PRICE_PRO_YEARLY ? { year: env.STRIPE_PRICE_PRO_YEARLY } : {}),
        },
        business: {
          month: env.STRIPE_PRICE_BUSINESS_MONTHLY,
          ...(env.STRIPE_PRICE_BUSINESS_YEARLY ? { year: env.STRIPE_PRICE_BUSINESS_YEARLY } : {}),
        },
      },
      successUrl: env.BILLING_SUCCESS_URL,
      cancelUrl: env.BILLING_CANCEL_URL,
      portalReturnUrl: env.BILLING_PORTAL_RETURN_URL,
      pastDueGraceDays: env.BILLING_PAST_DUE_GRACE_DAYS,
      resyncIntervalMs: env.BILLING_RESYNC_INTERVAL_MS,
      eventSweepIntervalMs: env.STRIPE_EVENT_SWEEP_INTERVAL_MS,
      eventSweepGraceMs: env.STRIPE_EVENT_SWEEP_GRACE_MS,
      entitlementCacheTtlMs: env.ENTITLEMENT_CACHE_TTL_MS,
      usageFlushIntervalMs: env.USAGE_FLUSH_INTERVAL_MS,
    },
    rateLimits: {
      default: env.RATE_LIMIT_DEFAULT,
      signup: env.RATE_LIMIT_SIGNUP,
      refresh: env.RATE_LIMIT_REFRESH,
      login: {
        maxConsecutiveFailures: env.LOGIN_MAX_CONSECUTIVE_FAILURES,
        lockoutSeconds: env.LOGIN_LOCKOUT_SECONDS,
        maxFailuresPerIpPerDay: env.LOGIN_MAX_FAILURES_PER_IP_PER_DAY,
        maxFailuresPerAccountPerHour: env.LOGIN_MAX_FAILURES_PER_ACCOUNT_PER_HOUR,
      },
    },
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
  if (parsed.success) {
    const problems = ruleProblems(parsed.data);
    if (problems.length > 0) throw new ConfigError(problems, unsetEnvironmentHint(present));
    return deepFreeze(toConfig(parsed.data));
  }
  const formatProblems = parsed.error.issues.map((issue) => {
    const variable = String(issue.path[0] ?? '(environment)');
    return { variable, problem: variable in present ? issue.message : 'is required' };
  });
  // The rules also run on every variable that did parse, so one start reports every problem.
  const malformed = new Set(formatProblems.map(({ variable }) => variable));
  const wellFormed = ruleInputSchema.safeParse(
    Object.fromEntries(Object.entries(present).filter(([variable]) => !malformed.has(variable))),
  );
  // Which environment's rules apply is unknown when NODE_ENV itself is malformed.
  const rules = wellFormed.success && !malformed.has('NODE_ENV') ? ruleProblems(wellFormed.data) : [];
  throw new ConfigError(
    [...formatProblems, ...rules.filter(({ variable }) => !malformed.has(variable))],
    unsetEnvironmentHint(present),
  );
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

/**
 * What `npm run dev` needs before a full configuration can exist (it may
 * still have to provide DATABASE_URL itself), validated by the same schema.
 *
 * @throws ConfigError naming the bad variables
 */
export function loadDevSettings(source: EnvSource): {
  redisUrl: string;
  embeddedPostgresPort: number;
  stripeEmulatorPort: number;
  apiPort: number;
  databaseUrl?: string;
  stripeSecretKey?: string;
} {
  const present = withoutEmptyValues(source);
  const parsed = envSchema
    .pick({
      REDIS_URL: true,
      DEV_POSTGRES_PORT: true,
      DEV_STRIPE_EMULATOR_PORT: true,
      PORT: true,
      DATABASE_URL: true,
      STRIPE_SECRET_KEY: true,
    })
    .partial({ DATABASE_URL: true })
    .safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => ({ variable: String(issue.path[0]), problem: issue.message })),
    );
  }
  return {
    redisUrl: parsed.data.REDIS_URL,
    embeddedPostgresPort: parsed.data.DEV_POSTGRES_PORT,
    stripeEmulatorPort: parsed.data.DEV_STRIPE_EMULATOR_PORT,
    apiPort: parsed.data.PORT,
    ...(parsed.data.DATABASE_URL ? { databaseUrl: parsed.data.DATABASE_URL } : {}),
    ...(parsed.data.STRIPE_SECRET_KEY ? { stripeSecretKey: parsed.data.STRIPE_SECRET_KEY } : {}),
  };
}
