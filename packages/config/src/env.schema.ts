import { z } from 'zod';

import {
  booleanFlag,
  corsOrigins,
  durationMs,
  logLevel,
  mailbox,
  pem,
  port,
  positiveInt,
  rateLimit,
  trustProxy,
} from './fields.js';

/**
 * Every setting the API and the worker read, in one schema. Each key has a safe
 * development default or is required; `.env.example` documents them all.
 * Settings only the development scripts read live with them (scripts/lib/dev-settings.ts).
 */
export const envSchema = z.object({
  // Unset means production: a server that forgot NODE_ENV must fail closed (strict secrets, masked errors).
  NODE_ENV: z.enum(['development', 'test', 'production']).default('production'),
  LOG_LEVEL: logLevel.default('info'),
  // Unset: human-readable lines in development, JSON lines (for log collectors) everywhere else.
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),

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
  // While the database lacks migrations the code expects, /ready is 503 and looks again this often.
  MIGRATION_CHECK_INTERVAL_MS: durationMs.default(5_000),
  // Stripe's reachability and key validity in /ready (informative only), checked in the background this often.
  STRIPE_HEALTH_INTERVAL_MS: durationMs.default(60_000),

  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: 'expected a postgres:// URL' }),
  DB_POOL_MIN: z.coerce.number().int().min(0).default(0),
  DB_POOL_MAX: positiveInt.default(10),
  DB_IDLE_TIMEOUT_MS: durationMs.default(30_000),
  DB_STATEMENT_TIMEOUT_MS: durationMs.default(10_000),
  DB_CONNECT_TIMEOUT_MS: durationMs.default(5_000),
  // The migrations the code expects (and `npm run db:*` applies), relative to the working directory.
  MIGRATIONS_DIR: z.string().min(1).default('migrations'),

  REDIS_URL: z
    .url({ protocol: /^rediss?$/, error: 'expected a redis:// or rediss:// URL' })
    .default('redis://127.0.0.1:6379'),
  // cluster: REDIS_URL names any node of a Redis Cluster; keys and queues are hash-tagged for it (ADR 027).
  REDIS_MODE: z.enum(['standalone', 'cluster']).default('standalone'),
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'expected 1-32 lowercase letters, digits, "-" or "_"')
    .default('gw'),

  JWT_ALGORITHM: z.enum(['HS256', 'RS256']).default('HS256'),
  JWT_SECRET: z
    .string()
    .min(43, 'expected at least 43 characters (256 bits), e.g. from `openssl rand -base64 32`')
    .optional(),
  JWT_KEY_ID: z
    .string()
    .regex(/^[\w.-]{1,64}$/, 'expected 1-64 letters, digits, ".", "_" or "-"')
    .default('v1'),
  JWT_PRIVATE_KEY: pem.optional(),
  JWT_PREVIOUS_PUBLIC_KEYS: z
    .string()
    .transform((value, context) => {
      try {
        return z.record(z.string().regex(/^[\w.-]{1,64}$/), pem).parse(JSON.parse(value));
      } catch {
        context.addIssue({ code: 'custom', message: 'expected a JSON object of key id to public key PEM' });
        return z.NEVER;
      }
    })
    .optional(),
  JWT_ISSUER: z.string().min(1).max(200).default('groundwork'),
  JWT_AUDIENCE: z.string().min(1).max(200).default('groundwork-api'),
  ACCESS_TOKEN_TTL_SECONDS: positiveInt.min(60).max(3600).default(900),
  // A session's absolute lifetime: at most the security bar's 7 days (SEC-02).
  REFRESH_TOKEN_TTL_SECONDS: positiveInt
    .min(3600)
    .max(7 * 86_400)
    .default(7 * 86_400),
  REFRESH_REUSE_GRACE_SECONDS: z.coerce.number().int().min(0).max(10).default(5),
  AUTH_REFRESH_COOKIE: booleanFlag.default(false),
  BCRYPT_COST: z.coerce.number().int().min(4).max(15).default(12),
  // How long an API instance trusts its cached copy of a user's tokens_valid_after (changes are also pushed over pub/sub).
  AUTH_VALID_AFTER_CACHE_TTL_MS: durationMs.max(300_000).default(60_000),
  PASSWORD_HASH_CONCURRENCY: positiveInt.max(64).default(2),
  PASSWORD_HASH_QUEUE: z.coerce.number().int().min(0).max(1_000).default(4),
  // The hashing threads' nice value on Linux (ADR 035): 19 leaves the event loop nearly all of a busy CPU.
  PASSWORD_HASH_NICE: z.coerce.number().int().min(0).max(19).default(19),
  MEMBERSHIP_CACHE_TTL_MS: durationMs.default(30_000),
  // Seals TOTP secrets at rest (AES-256-GCM, key derived with HKDF, ADR 026); required in production.
  AUTH_TWO_FACTOR_SECRET: z
    .string()
    .min(43, 'expected at least 43 characters (256 bits), e.g. from `openssl rand -base64 32`')
    .optional(),
  // The name authenticator apps show beside the account.
  AUTH_TOTP_ISSUER: z
    .string()
    .regex(/^[^:]{1,64}$/, 'expected 1-64 characters without ":"')
    .default('Groundwork'),
  // How long an MFA challenge from login stays usable; short, since it stands for a checked password.
  AUTH_MFA_CHALLENGE_TTL_SECONDS: positiveInt.min(30).max(900).default(300),
  // Passkeys (ADR 028). Unset: APP_URL's host and origin, the front end where the ceremonies run.
  WEBAUTHN_RP_ID: z
    .string()
    .regex(/^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/, 'expected a host name such as example.com (no scheme or port)')
    .optional(),
  WEBAUTHN_RP_NAME: z.string().min(1).max(64).default('Groundwork'),
  WEBAUTHN_ORIGINS: corsOrigins.optional(),
  // A passkey ceremony's challenge is single-use and lives this long: the time a person takes to touch a key.
  WEBAUTHN_CHALLENGE_TTL_SECONDS: positiveInt.min(30).max(900).default(300),
  // Sensitive actions (password, 2FA settings, API keys, account deletion) need an authentication this recent.
  AUTH_STEP_UP_WINDOW_SECONDS: positiveInt.min(60).max(3600).default(600),
  // An invitation link is a bearer secret sent by e-mail: a month at most bounds how long a leaked one works.
  INVITATION_TTL_DAYS: positiveInt.max(30).default(7),
  // How long an API instance trusts its cached copy of an API key (revocations are also pushed over pub/sub).
  API_KEY_CACHE_TTL_MS: durationMs.max(300_000).default(30_000),
  // How long a rotated API key keeps working beside its successor: at most 7 days.
  API_KEY_ROTATION_GRACE_SECONDS: z.coerce
    .number()
    .int()
    .min(0)
    .max(7 * 86_400)
    .default(86_400),

  RATE_LIMIT_DEFAULT: rateLimit.default({ points: 100, durationSeconds: 60 }),
  RATE_LIMIT_SIGNUP: rateLimit.default({ points: 10, durationSeconds: 3600 }),
  RATE_LIMIT_REFRESH: rateLimit.default({ points: 30, durationSeconds: 60 }),
  // Calls that send account e-mail (resend verification, request a password reset), counted per IP
  // and separately per account or address: each one can put a message in someone's inbox.
  RATE_LIMIT_ACCOUNT_EMAIL: rateLimit.default({ points: 5, durationSeconds: 3600 }),
  LOGIN_MAX_CONSECUTIVE_FAILURES: positiveInt.max(100).default(10),
  LOGIN_LOCKOUT_SECONDS: positiveInt.max(86_400).default(900),
  LOGIN_MAX_FAILURES_PER_IP_PER_DAY: positiveInt.max(100_000).default(100),
  LOGIN_MAX_FAILURES_PER_ACCOUNT_PER_HOUR: positiveInt.max(100_000).default(50),

  STRIPE_SECRET_KEY: z
    .string()
    .regex(/^(sk|rk)_(test|live)_\w+$/, 'expected a Stripe secret key (sk_test_…, sk_live_… or a restricted rk_…)')
    .optional(),
  STRIPE_WEBHOOK_SECRET: z
    .string()
    .regex(/^whsec_\w+$/, 'expected a webhook signing secret (whsec_…)')
    .optional(),
  STRIPE_API_BASE: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }).optional(),
  STRIPE_PRICE_PRO_MONTHLY: z
    .string()
    .regex(/^price_\w+$/)
    .default('price_pro_monthly'),
  STRIPE_PRICE_PRO_YEARLY: z
    .string()
    .regex(/^price_\w+$/)
    .optional(),
  STRIPE_PRICE_BUSINESS_MONTHLY: z
    .string()
    .regex(/^price_\w+$/)
    .default('price_business_monthly'),
  STRIPE_PRICE_BUSINESS_YEARLY: z
    .string()
    .regex(/^price_\w+$/)
    .optional(),
  BILLING_SUCCESS_URL: z.url().default('http://localhost:5173/billing/success?session_id={CHECKOUT_SESSION_ID}'),
  BILLING_CANCEL_URL: z.url().default('http://localhost:5173/billing'),
  BILLING_PORTAL_RETURN_URL: z.url().default('http://localhost:5173/billing'),
  BILLING_PAST_DUE_GRACE_DAYS: z.coerce.number().int().min(0).max(60).default(3),
  BILLING_RESYNC_INTERVAL_MS: durationMs.default(6 * 3_600_000),
  STRIPE_EVENT_SWEEP_INTERVAL_MS: durationMs.default(60_000),
  // Stored events younger than this are left to the webhook's own enqueue; older pending ones are swept onto the queue.
  STRIPE_EVENT_SWEEP_GRACE_MS: durationMs.default(10_000),
  // Concurrent webhook deliveries share one insert and one enqueue (ADR 032). When nothing is being written, the first
  // waits this long for company (0: only for what the event loop has already read); during a write, the next batch forms.
  STRIPE_WEBHOOK_BATCH_WINDOW_MS: z.coerce
    .number({ error: 'expected milliseconds' })
    .int()
    .min(0)
    .max(1_000)
    .default(0),
  // The most deliveries one insert and one enqueue carry.
  STRIPE_WEBHOOK_BATCH_MAX: positiveInt.max(1000).default(100),
  ENTITLEMENT_CACHE_TTL_MS: durationMs.default(60_000),
  USAGE_FLUSH_INTERVAL_MS: durationMs.default(5_000),
  // The daily limit of plan-gated calls can be overshot by what all instances admit in about two of these (ADR 024).
  GATED_CALL_SYNC_INTERVAL_MS: durationMs.default(1_000),

  // Operator credentials (HTTP Basic) for the queue dashboard at /admin/queues. Both unset = dashboard off.
  ADMIN_USERNAME: z.string().min(3).max(64).optional(),
  ADMIN_PASSWORD: z.string().min(12, 'expected at least 12 characters').optional(),
  // OpenTelemetry tracing (OTLP over HTTP). Off by default.
  OTEL_TRACING_ENABLED: booleanFlag.default(false),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().default('http://127.0.0.1:4318/v1/traces'),
  // Bearer token a Prometheus scraper presents to GET /metrics (API and worker health port). Unset = /metrics off.
  METRICS_TOKEN: z.string().min(24, 'expected at least 24 characters').optional(),

  // E-mail (verification, password reset, invitations), sent by the worker. "disabled" sends none, explicitly.
  EMAIL_DELIVERY: z.enum(['smtp', 'disabled']).default('smtp'),
  // smtp://user:pass@host:587 (upgraded with STARTTLS when the server offers it) or smtps://…:465 (implicit TLS).
  // Unset outside production: the local catcher of `npm run dev`. Production requires it unless EMAIL_DELIVERY=disabled.
  SMTP_URL: z.url({ protocol: /^smtps?$/, error: 'expected an smtp:// or smtps:// URL' }).optional(),
  SMTP_TIMEOUT_MS: durationMs.max(120_000).default(10_000),
  // The sender: "Name <address@domain>" or a bare address. Production requires it unless EMAIL_DELIVERY=disabled.
  MAIL_FROM: mailbox.optional(),
  // The front end that e-mailed links point to (its /verify-email, /reset-password and /accept-invitation pages).
  APP_URL: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }).default('http://localhost:5173'),
  EMAIL_VERIFICATION_TTL_HOURS: positiveInt.max(7 * 24).default(24),
  // ASVS asks for short-lived reset links: at most two hours, 30 minutes by default.
  PASSWORD_RESET_TTL_MINUTES: positiveInt.max(120).default(30),
  // How long a worker holds a message it is sending before a retry may take it over (well above SMTP_TIMEOUT_MS).
  EMAIL_SEND_LEASE_MS: durationMs.default(60_000),
  EMAIL_OUTBOX_SWEEP_INTERVAL_MS: durationMs.default(60_000),
  // Messages recorded longer ago than this and still never queued (a lost enqueue) are queued by the sweeper.
  EMAIL_OUTBOX_SWEEP_GRACE_MS: durationMs.default(30_000),

  WORKER_CONCURRENCY: positiveInt.max(100).default(5),
  WORKER_HEALTH_PORT: port.default(3001),
  WORKER_HEARTBEAT_INTERVAL_MS: durationMs.default(30_000),
  // How often the worker checks that its schedules still exist in Redis (lost with Redis's data) and re-registers them.
  WORKER_SCHEDULE_CHECK_INTERVAL_MS: durationMs.default(5_000),
});

export type Env = z.infer<typeof envSchema>;

/** The name of every setting the schema reads (for checks that other files pass only real settings). */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(envSchema.shape);
