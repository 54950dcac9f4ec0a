import { generateKeyPairSync, KeyObject } from 'node:crypto';

import { describe, expect, test } from 'vitest';

import { ConfigError } from './config-error.js';
import { loadConfig } from './load-config.js';

const minimal = { NODE_ENV: 'development', DATABASE_URL: 'postgres://app:app@127.0.0.1:5432/app' };
const strongProduction = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://app:Zq8vN3kLp2Xr7Tw9Hb4M@db.internal:5432/app',
  JWT_SECRET: 'mF3q9ZtV7xK2pL8wR4sN6bY1cH5jD0gA-Qe_Uo7iTz3',
  AUTH_TWO_FACTOR_SECRET: 'Rk7pW2xN9qL4vT8mZ3bH6cJ1dF5gS0aY-Ue_Io7nPq2',
  STRIPE_SECRET_KEY: 'sk_live_51Hq8vN3kLp2Xr7Tw9',
  STRIPE_WEBHOOK_SECRET: 'whsec_q7Vh2LmX9pRt4sWz8NbK3cYf6GdJ1aUe',
  STRIPE_PRICE_PRO_MONTHLY: 'price_1Pq8vN3kLp2Xr7Tw',
  STRIPE_PRICE_BUSINESS_MONTHLY: 'price_1Zq8vN3kLp2Xr7Tb',
  BILLING_SUCCESS_URL: 'https://app.example.com/billing/success?session_id={CHECKOUT_SESSION_ID}',
  BILLING_CANCEL_URL: 'https://app.example.com/billing',
  BILLING_PORTAL_RETURN_URL: 'https://app.example.com/billing',
  SMTP_URL: 'smtp://apikey:Vq8vN3kLp2Xr7Tw9Hb4M@smtp.example.com:587',
  MAIL_FROM: 'Example <no-reply@example.com>',
  APP_URL: 'https://app.example.com',
};

function issuesOf(env: Record<string, string>): { variable: string; problem: string }[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.issues];
    throw error;
  }
  throw new Error('expected loadConfig to throw');
}

describe('loadConfig', () => {
  test('when only the required settings are given, then every other setting takes its documented default', () => {
    const config = loadConfig(minimal);

    expect(config).toMatchObject({
      env: 'development',
      log: { level: 'info' },
      http: { port: 3000, trustProxy: 0, corsOrigins: [], bodyLimitBytes: 102_400, maxBatchSize: 10 },
      db: { pool: { min: 0, max: 10 }, statementTimeoutMs: 10_000 },
      redis: { url: 'redis://127.0.0.1:6379', mode: 'standalone', keyPrefix: 'gw' },
      worker: { concurrency: 5 },
    });
  });

  test('when DATABASE_URL is missing, then the error names it as required', () => {
    expect(issuesOf({})).toContainEqual({ variable: 'DATABASE_URL', problem: 'is required' });
  });

  test('when a setting is an empty string, then it counts as missing rather than as a value', () => {
    expect(issuesOf({ DATABASE_URL: '' })).toContainEqual({ variable: 'DATABASE_URL', problem: 'is required' });
    expect(loadConfig({ ...minimal, PORT: '' }).http.port).toBe(3000);
  });

  test('when several settings are invalid, then each is named with what it expects', () => {
    const issues = issuesOf({
      NODE_ENV: 'development',
      DATABASE_URL: 'mysql://nope',
      PORT: 'eighty',
      LOG_LEVEL: 'loud',
      REDIS_URL: 'http://127.0.0.1:6379',
    });

    expect(issues.map((issue) => issue.variable).sort()).toEqual(['DATABASE_URL', 'LOG_LEVEL', 'PORT', 'REDIS_URL']);
    expect(issues.find((issue) => issue.variable === 'PORT')?.problem).toMatch(/port number/);
    expect(issues.find((issue) => issue.variable === 'DATABASE_URL')?.problem).toMatch(/postgres:\/\//);
  });

  test('when the error is printed, then its message lists every bad variable on its own line', () => {
    const error = (() => {
      try {
        loadConfig({ PORT: '-1' });
      } catch (caught) {
        return caught as Error;
      }
      return null;
    })();

    const lines = error?.message.split('\n') ?? [];
    expect(lines[0]).toBe('Invalid configuration:');
    expect(lines).toContain('  DATABASE_URL: is required');
    expect(lines).toContain('  PORT: expected a port number');
    expect(lines.at(-1)).toMatch(/^See \.env\.example/);
  });

  test('when API key settings are not given, then a 30 s cache and a 24 h rotation grace apply; longer ones are refused', () => {
    expect(loadConfig(minimal).auth.apiKeys).toEqual({ cacheTtlMs: 30_000, rotationGraceSeconds: 86_400 });
    expect(issuesOf({ ...minimal, API_KEY_CACHE_TTL_MS: '300001' })[0]?.variable).toBe('API_KEY_CACHE_TTL_MS');
    expect(issuesOf({ ...minimal, API_KEY_ROTATION_GRACE_SECONDS: String(7 * 86_400 + 1) })[0]?.variable).toBe(
      'API_KEY_ROTATION_GRACE_SECONDS',
    );
  });

  test('when body limit or batch size exceed the security bar, then they are refused', () => {
    expect(issuesOf({ ...minimal, HTTP_BODY_LIMIT_BYTES: String(100 * 1024 + 1) })[0]?.variable).toBe(
      'HTTP_BODY_LIMIT_BYTES',
    );
    expect(issuesOf({ ...minimal, TRPC_MAX_BATCH_SIZE: '11' })[0]?.variable).toBe('TRPC_MAX_BATCH_SIZE');
  });

  test('when TRUST_PROXY is "true", then it is refused; a hop count or proxy list is accepted', () => {
    expect(issuesOf({ ...minimal, TRUST_PROXY: 'true' })).toEqual([
      { variable: 'TRUST_PROXY', problem: expect.stringMatching(/"true" is not allowed/) as string },
    ]);
    expect(loadConfig({ ...minimal, TRUST_PROXY: '2' }).http.trustProxy).toBe(2);
    expect(loadConfig({ ...minimal, TRUST_PROXY: '10.0.0.0/8, 192.168.1.5' }).http.trustProxy).toEqual([
      '10.0.0.0/8',
      '192.168.1.5',
    ]);
  });

  test('when CORS_ORIGINS holds a wildcard or a path, then it is refused; exact origins are accepted', () => {
    expect(issuesOf({ ...minimal, CORS_ORIGINS: '*' })[0]?.variable).toBe('CORS_ORIGINS');
    expect(issuesOf({ ...minimal, CORS_ORIGINS: 'https://app.example.com/' })[0]?.variable).toBe('CORS_ORIGINS');
    expect(
      loadConfig({ ...minimal, CORS_ORIGINS: 'https://a.example.com, http://localhost:5173' }).http.corsOrigins,
    ).toEqual(['https://a.example.com', 'http://localhost:5173']);
  });

  test('when in production with a placeholder database password, then start-up is refused', () => {
    const issues = issuesOf({ ...strongProduction, DATABASE_URL: 'postgres://groundwork:groundwork@db:5432/app' });

    expect(issues).toEqual([{ variable: 'DATABASE_URL', problem: expect.stringMatching(/^its password /) as string }]);
  });

  test('when NODE_ENV is unset and production rules fail, then the message says how to run locally', () => {
    const message = (() => {
      try {
        loadConfig({ DATABASE_URL: 'postgres://app:app@127.0.0.1:5432/app' });
      } catch (error) {
        return (error as Error).message;
      }
      return '';
    })();

    expect(message).toContain('NODE_ENV is unset, so production rules apply. For local use: cp .env.example .env');
    expect(message.split('\n').at(-1)).toMatch(/^See \.env\.example/);
  });

  test('when NODE_ENV is unset, then production rules apply (fail closed)', () => {
    const issues = issuesOf({ DATABASE_URL: 'postgres://app:app@127.0.0.1:5432/app' });

    expect(issues.map((issue) => issue.variable)).toEqual([
      'JWT_SECRET',
      'AUTH_TWO_FACTOR_SECRET',
      'STRIPE_SECRET_KEY',
      'STRIPE_WEBHOOK_SECRET',
      'BILLING_SUCCESS_URL',
      'BILLING_CANCEL_URL',
      'BILLING_PORTAL_RETURN_URL',
      'STRIPE_PRICE_PRO_MONTHLY',
      'STRIPE_PRICE_BUSINESS_MONTHLY',
      'DATABASE_URL',
      'APP_URL',
      'SMTP_URL',
      'MAIL_FROM',
    ]);
  });

  test('when in production without JWT_SECRET, or with a weak one, or with a low bcrypt cost, then start-up is refused', () => {
    const { JWT_SECRET: _secret, ...withoutSecret } = strongProduction;

    expect(issuesOf(withoutSecret)).toEqual([{ variable: 'JWT_SECRET', problem: 'is required in production' }]);
    expect(issuesOf({ ...strongProduction, JWT_SECRET: 'changeme'.repeat(6) })[0]?.variable).toBe('JWT_SECRET');
    expect(issuesOf({ ...strongProduction, BCRYPT_COST: '8' })).toEqual([
      { variable: 'BCRYPT_COST', problem: 'must be at least 10 in production' },
    ]);
  });

  test('when an invitation would work longer than 30 days, then start-up is refused, in production too', () => {
    expect(issuesOf({ ...strongProduction, INVITATION_TTL_DAYS: '31' }).map((issue) => issue.variable)).toEqual([
      'INVITATION_TTL_DAYS',
    ]);
    expect(loadConfig({ ...minimal, INVITATION_TTL_DAYS: '30' }).organizations.invitationTtlDays).toBe(30);
  });

  test('when production would reconcile plan-gated call counts less often than once a minute, then start-up is refused', () => {
    expect(
      loadConfig({ ...strongProduction, GATED_CALL_SYNC_INTERVAL_MS: '60000' }).billing.gatedCallSyncIntervalMs,
    ).toBe(60_000);
    expect(issuesOf({ ...strongProduction, GATED_CALL_SYNC_INTERVAL_MS: '60001' })).toEqual([
      {
        variable: 'GATED_CALL_SYNC_INTERVAL_MS',
        problem: "must be at most 60000 in production (the daily limit's overshoot grows with it)",
      },
    ]);
    expect(loadConfig({ ...minimal, GATED_CALL_SYNC_INTERVAL_MS: '600000' }).billing.gatedCallSyncIntervalMs).toBe(
      600_000,
    );
  });

  test('when outside production without JWT_SECRET, then a development secret is used that production would refuse', () => {
    const secret = loadConfig(minimal).auth.jwt.secret;

    expect(secret.length).toBeGreaterThanOrEqual(43);
    expect(issuesOf({ ...strongProduction, JWT_SECRET: secret })[0]?.variable).toBe('JWT_SECRET');
  });

  test('when in production without AUTH_TWO_FACTOR_SECRET, or with the development one, then start-up is refused', () => {
    const { AUTH_TWO_FACTOR_SECRET: _secret, ...withoutSecret } = strongProduction;
    const developmentSecret = loadConfig(minimal).auth.twoFactor.secret;

    expect(issuesOf(withoutSecret)).toEqual([
      { variable: 'AUTH_TWO_FACTOR_SECRET', problem: 'is required in production' },
    ]);
    expect(issuesOf({ ...strongProduction, AUTH_TWO_FACTOR_SECRET: developmentSecret })[0]?.variable).toBe(
      'AUTH_TWO_FACTOR_SECRET',
    );
  });

  test('when the step-up window or MFA challenge lifetime is out of bounds, then start-up is refused', () => {
    expect(issuesOf({ ...minimal, AUTH_STEP_UP_WINDOW_SECONDS: '7200' })[0]?.variable).toBe(
      'AUTH_STEP_UP_WINDOW_SECONDS',
    );
    expect(issuesOf({ ...minimal, AUTH_MFA_CHALLENGE_TTL_SECONDS: '3600' })[0]?.variable).toBe(
      'AUTH_MFA_CHALLENGE_TTL_SECONDS',
    );
    expect(loadConfig(minimal).auth).toMatchObject({
      stepUpWindowSeconds: 600,
      twoFactor: { challengeTtlSeconds: 300, issuer: 'Groundwork' },
    });
  });

  test('when JWT_ALGORITHM is RS256, then a valid RSA private key is required', () => {
    expect(issuesOf({ ...minimal, JWT_ALGORITHM: 'RS256' })).toEqual([
      { variable: 'JWT_PRIVATE_KEY', problem: 'is required when JWT_ALGORITHM=RS256' },
    ]);
    expect(issuesOf({ ...minimal, JWT_ALGORITHM: 'RS256', JWT_PRIVATE_KEY: 'not a key' })[0]?.variable).toBe(
      'JWT_PRIVATE_KEY',
    );
  });

  test('when JWT_ALGORITHM is RS256 with valid keys, then the config carries them parsed, once, as KeyObjects', () => {
    const pemOf = (key: KeyObject, type: 'pkcs8' | 'spki') => key.export({ format: 'pem', type }).toString();
    const current = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const previous = generateKeyPairSync('rsa', { modulusLength: 2048 });

    const jwt = loadConfig({
      ...minimal,
      JWT_ALGORITHM: 'RS256',
      JWT_PRIVATE_KEY: pemOf(current.privateKey, 'pkcs8'),
      JWT_PREVIOUS_PUBLIC_KEYS: JSON.stringify({ old: pemOf(previous.publicKey, 'spki') }),
    }).auth.jwt;

    expect(jwt.privateKey).toBeInstanceOf(KeyObject);
    expect(jwt.privateKey?.asymmetricKeyType).toBe('rsa');
    expect(jwt.previousPublicKeys.get('old')?.equals(previous.publicKey)).toBe(true);
    expect(loadConfig(minimal).auth.jwt.privateKey).toBeNull();
  });

  test('when rate limits are given as "<count>/<unit>", then they become points per duration', () => {
    const config = loadConfig({ ...minimal, RATE_LIMIT_DEFAULT: '250/hour' });

    expect(config.rateLimits.default).toEqual({ points: 250, durationSeconds: 3600 });
    expect(issuesOf({ ...minimal, RATE_LIMIT_SIGNUP: '5 per hour' })[0]?.variable).toBe('RATE_LIMIT_SIGNUP');
  });

  test('when in production without a webhook secret, then start-up is refused naming it', () => {
    const { STRIPE_WEBHOOK_SECRET: _secret, ...withoutWebhookSecret } = strongProduction;

    expect(issuesOf(withoutWebhookSecret)).toEqual([
      { variable: 'STRIPE_WEBHOOK_SECRET', problem: expect.stringMatching(/^is required in production/) as string },
    ]);
  });

  test('when production has a webhook secret without 32 random characters after "whsec_", then start-up is refused naming it', () => {
    expect(issuesOf({ ...strongProduction, STRIPE_WEBHOOK_SECRET: 'whsec_x' })).toEqual([
      { variable: 'STRIPE_WEBHOOK_SECRET', problem: 'the part after "whsec_" is shorter than 32 characters' },
    ]);
    expect(issuesOf({ ...strongProduction, STRIPE_WEBHOOK_SECRET: `whsec_${'changeme'.repeat(5)}` })).toEqual([
      { variable: 'STRIPE_WEBHOOK_SECRET', problem: expect.stringMatching(/placeholder words/) as string },
    ]);
  });

  test('when production has malformed settings and settings that break production rules, then one error lists them all', () => {
    const issues = issuesOf({
      ...strongProduction,
      PORT: 'eighty', // malformed
      REDIS_URL: 'http://cache.internal:6379', // malformed
      BCRYPT_COST: '8', // production rule
      STRIPE_WEBHOOK_SECRET: 'whsec_x', // production rule
      DATABASE_URL: 'postgres://app:changeme@db.internal:5432/app', // production rule
      ADMIN_USERNAME: 'admin', // cross-variable rule: ADMIN_PASSWORD missing
    });

    expect(issues.map((issue) => issue.variable).sort()).toEqual([
      'ADMIN_PASSWORD',
      'BCRYPT_COST',
      'DATABASE_URL',
      'PORT',
      'REDIS_URL',
      'STRIPE_WEBHOOK_SECRET',
    ]);
  });

  test('when a malformed setting would also break a production rule, then it is named once, for its format', () => {
    const issues = issuesOf({ ...strongProduction, BILLING_CANCEL_URL: 'not a url', JWT_SECRET: 'too-short' });

    expect(issues).toEqual([
      { variable: 'JWT_SECRET', problem: expect.stringMatching(/^expected at least 43 characters/) as string },
      { variable: 'BILLING_CANCEL_URL', problem: expect.any(String) as string },
    ]);
  });

  test('when production points Stripe at plain http or has weak operator secrets, then start-up is refused naming them', () => {
    const issues = issuesOf({
      ...strongProduction,
      STRIPE_API_BASE: 'http://127.0.0.1:12111',
      ADMIN_USERNAME: 'admin',
      ADMIN_PASSWORD: 'password12345',
      METRICS_TOKEN: 'changeme-changeme-changeme',
    });

    expect(issues.map((issue) => issue.variable).sort()).toEqual([
      'ADMIN_PASSWORD',
      'METRICS_TOKEN',
      'STRIPE_API_BASE',
    ]);
  });

  test('when only one of the operator credentials is set, then start-up is refused', () => {
    expect(issuesOf({ ...minimal, ADMIN_USERNAME: 'admin' })).toEqual([
      { variable: 'ADMIN_PASSWORD', problem: 'set both ADMIN_USERNAME and ADMIN_PASSWORD, or neither' },
    ]);
  });

  test('when cluster mode names a database other than 0, then start-up is refused; database 0 or none is accepted', () => {
    const cluster = { ...minimal, REDIS_MODE: 'cluster' };
    expect(issuesOf({ ...cluster, REDIS_URL: 'redis://10.0.0.1:7000/2' })).toEqual([
      { variable: 'REDIS_URL', problem: 'must not name a database: a Redis Cluster has database 0 only' },
    ]);
    expect(loadConfig({ ...cluster, REDIS_URL: 'redis://10.0.0.1:7000/0' }).redis.mode).toBe('cluster');
    expect(loadConfig({ ...minimal, REDIS_URL: 'redis://10.0.0.1:6379/2' }).redis.mode).toBe('standalone');
  });

  test('when a live key is configured, then only live webhooks are expected', () => {
    expect(loadConfig(strongProduction).billing.livemode).toBe(true);
    expect(loadConfig({ ...minimal, STRIPE_SECRET_KEY: 'sk_test_abc' }).billing.livemode).toBe(false);
  });

  test('when the refresh cookie is on without browser origins, then start-up is refused', () => {
    expect(issuesOf({ ...minimal, AUTH_REFRESH_COOKIE: 'true' })[0]?.variable).toBe('CORS_ORIGINS');
  });

  test('when in production with http:// browser origins, then they are refused', () => {
    expect(issuesOf({ ...strongProduction, CORS_ORIGINS: 'http://app.example.com' })[0]?.variable).toBe('CORS_ORIGINS');
  });

  test('when in production with strong secrets, then it loads with error details hidden', () => {
    const config = loadConfig(strongProduction);

    expect(config.isProduction).toBe(true);
    expect(config.exposeErrorDetails).toBe(false);
  });

  test('when LOG_FORMAT is unset, then logs are human-readable in development and JSON lines in test and production', () => {
    expect(loadConfig(minimal).log.pretty).toBe(true);
    expect(loadConfig({ ...minimal, NODE_ENV: 'test' }).log.pretty).toBe(false);
    expect(loadConfig(strongProduction).log.pretty).toBe(false);
    expect(loadConfig({ ...minimal, LOG_FORMAT: 'json' }).log.pretty).toBe(false);
  });

  test('when production asks for pretty logs, then start-up is refused naming LOG_FORMAT', () => {
    expect(issuesOf({ ...strongProduction, LOG_FORMAT: 'pretty' })).toEqual([
      { variable: 'LOG_FORMAT', problem: expect.stringMatching(/must be json in production/) as string },
    ]);
  });

  test('when loaded, then the config is deeply frozen', () => {
    const config = loadConfig(minimal);

    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.db.pool)).toBe(true);
    expect(Object.isFrozen(config.http.corsOrigins)).toBe(true);
  });
});
