import { KeyObject } from 'node:crypto';

import type { Env } from './env.schema.js';
import { relyingParty } from './relying-party.js';
import type { ParsedSigningKeys } from './signing-keys.js';

/** Signs development tokens only: production refuses it (too weak: it says "development"). */
const DEVELOPMENT_JWT_SECRET = 'insecure-development-jwt-secret-never-use-in-production-0';
/** Where `npm run dev`'s SMTP catcher listens; production refuses to fall back to it. */
export const LOCAL_SMTP_URL = 'smtp://127.0.0.1:1025';
const LOCAL_MAIL_FROM = 'Groundwork <no-reply@localhost>';
/** Seals development TOTP secrets only: production refuses it. */
const DEVELOPMENT_TWO_FACTOR_SECRET = 'insecure-development-two-factor-secret-never-in-production';

/** The nested settings the apps read, derived from the parsed variables (no parsing happens here). */
export function toConfig(env: Env, keys: ParsedSigningKeys) {
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
    redis: { url: env.REDIS_URL, mode: env.REDIS_MODE, keyPrefix: env.REDIS_KEY_PREFIX },
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
        /** RS256 only: the keys above, parsed once at load so no app parses a PEM again. */
        privateKey: keys.privateKey,
        previousPublicKeys: keys.previousPublicKeys,
        issuer: env.JWT_ISSUER,
        audience: env.JWT_AUDIENCE,
      },
      accessTokenTtlSeconds: env.ACCESS_TOKEN_TTL_SECONDS,
      refreshTokenTtlSeconds: env.REFRESH_TOKEN_TTL_SECONDS,
      refreshReuseGraceSeconds: env.REFRESH_REUSE_GRACE_SECONDS,
      refreshCookie: env.AUTH_REFRESH_COOKIE,
      bcryptCost: env.BCRYPT_COST,
      validAfterCacheTtlMs: env.AUTH_VALID_AFTER_CACHE_TTL_MS,
      passwordHashing: {
        concurrency: env.PASSWORD_HASH_CONCURRENCY,
        queue: env.PASSWORD_HASH_QUEUE,
        nice: env.PASSWORD_HASH_NICE,
      },
      membershipCacheTtlMs: env.MEMBERSHIP_CACHE_TTL_MS,
      twoFactor: {
        secret: env.AUTH_TWO_FACTOR_SECRET ?? DEVELOPMENT_TWO_FACTOR_SECRET,
        issuer: env.AUTH_TOTP_ISSUER,
        challengeTtlSeconds: env.AUTH_MFA_CHALLENGE_TTL_SECONDS,
      },
      stepUpWindowSeconds: env.AUTH_STEP_UP_WINDOW_SECONDS,
      passkeys: {
        ...relyingParty(env),
        rpName: env.WEBAUTHN_RP_NAME,
        challengeTtlSeconds: env.WEBAUTHN_CHALLENGE_TTL_SECONDS,
      },
      apiKeys: {
        cacheTtlMs: env.API_KEY_CACHE_TTL_MS,
        rotationGraceSeconds: env.API_KEY_ROTATION_GRACE_SECONDS,
      },
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
      webhookBatching: { windowMs: env.STRIPE_WEBHOOK_BATCH_WINDOW_MS, maxBatchSize: env.STRIPE_WEBHOOK_BATCH_MAX },
      entitlementCacheTtlMs: env.ENTITLEMENT_CACHE_TTL_MS,
      usageFlushIntervalMs: env.USAGE_FLUSH_INTERVAL_MS,
      gatedCallSyncIntervalMs: env.GATED_CALL_SYNC_INTERVAL_MS,
    },
    email: {
      /** False only when EMAIL_DELIVERY=disabled: recorded messages are then dead-lettered unsent. */
      enabled: env.EMAIL_DELIVERY === 'smtp',
      smtp: { url: env.SMTP_URL ?? LOCAL_SMTP_URL, timeoutMs: env.SMTP_TIMEOUT_MS },
      from: env.MAIL_FROM ?? LOCAL_MAIL_FROM,
      sendLeaseMs: env.EMAIL_SEND_LEASE_MS,
      outboxSweepIntervalMs: env.EMAIL_OUTBOX_SWEEP_INTERVAL_MS,
      outboxSweepGraceMs: env.EMAIL_OUTBOX_SWEEP_GRACE_MS,
    },
    /** What e-mailed links point to and how long they work. */
    links: {
      appUrl: env.APP_URL,
      verificationTtlHours: env.EMAIL_VERIFICATION_TTL_HOURS,
      resetTtlMinutes: env.PASSWORD_RESET_TTL_MINUTES,
    },
    rateLimits: {
      default: env.RATE_LIMIT_DEFAULT,
      signup: env.RATE_LIMIT_SIGNUP,
      refresh: env.RATE_LIMIT_REFRESH,
      accountEmail: env.RATE_LIMIT_ACCOUNT_EMAIL,
      login: {
        maxConsecutiveFailures: env.LOGIN_MAX_CONSECUTIVE_FAILURES,
        lockoutSeconds: env.LOGIN_LOCKOUT_SECONDS,
        maxFailuresPerIpPerDay: env.LOGIN_MAX_FAILURES_PER_IP_PER_DAY,
        maxFailuresPerAccountPerHour: env.LOGIN_MAX_FAILURES_PER_ACCOUNT_PER_HOUR,
      },
    },
    organizations: { invitationTtlDays: env.INVITATION_TTL_DAYS },
    shutdown: { timeoutMs: env.SHUTDOWN_TIMEOUT_MS },
  };
}

// Key objects and maps stay as they are: a mapped type would strip their methods.
type DeepReadonly<T> = T extends KeyObject | ReadonlyMap<unknown, unknown>
  ? T
  : T extends (infer TItem)[]
    ? readonly DeepReadonly<TItem>[]
    : T extends object
      ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
      : T;

export type Config = DeepReadonly<ReturnType<typeof toConfig>>;

export function deepFreeze<T>(value: T): T {
  // A KeyObject caches details on itself lazily, so freezing one would break it.
  if (value && typeof value === 'object' && !(value instanceof KeyObject)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
