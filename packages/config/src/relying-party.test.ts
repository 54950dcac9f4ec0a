import { describe, expect, test } from 'vitest';

import { ConfigError } from './config-error.js';
import { loadConfig } from './load-config.js';

const development = { NODE_ENV: 'development', DATABASE_URL: 'postgres://app:app@127.0.0.1:5432/app' };
const production = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://app:Zq8vN3kLp2Xr7Tw9Hb4M@db.internal:5432/app',
  JWT_SECRET: 'mF3q9ZtV7xK2pL8wR4sN6bY1cH5jD0gA-Qe_Uo7iTz3',
  STRIPE_SECRET_KEY: 'sk_live_51Hq8vN3kLp2Xr7Tw9',
  STRIPE_WEBHOOK_SECRET: 'whsec_q7Vh2LmX9pRt4sWz8NbK3cYf6GdJ1aUe',
  STRIPE_PRICE_PRO_MONTHLY: 'price_1Pq8vN3kLp2Xr7Tw',
  STRIPE_PRICE_BUSINESS_MONTHLY: 'price_1Zq8vN3kLp2Xr7Tb',
  BILLING_SUCCESS_URL: 'https://app.example.com/billing/success',
  BILLING_CANCEL_URL: 'https://app.example.com/billing',
  BILLING_PORTAL_RETURN_URL: 'https://app.example.com/billing',
  APP_URL: 'https://app.example.com',
  AUTH_TWO_FACTOR_SECRET: 'Rk7pW2xN9qL4vT8mZ3bH6cJ1dF5gS0aY-Ue_Io7nPq2',
  EMAIL_DELIVERY: 'disabled',
};

function problemsOf(env: Record<string, string>): { variable: string; problem: string }[] {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return [...error.issues];
    throw error;
  }
}

describe('passkey (WebAuthn) settings', () => {
  test('when nothing is set, then the relying party is the front end: APP_URL host and origin, 5-minute challenges', () => {
    expect(loadConfig(development).auth.passkeys).toEqual({
      rpId: 'localhost',
      origins: ['http://localhost:5173'],
      rpName: 'Groundwork',
      challengeTtlSeconds: 300,
    });
    expect(loadConfig(production).auth.passkeys).toMatchObject({
      rpId: 'app.example.com',
      origins: ['https://app.example.com'],
    });
  });

  test('when the RP ID is a parent domain of every origin, then it loads with all of them', () => {
    const config = loadConfig({
      ...production,
      WEBAUTHN_RP_ID: 'example.com',
      WEBAUTHN_ORIGINS: 'https://app.example.com,https://example.com',
    });

    expect(config.auth.passkeys).toMatchObject({
      rpId: 'example.com',
      origins: ['https://app.example.com', 'https://example.com'],
    });
  });

  test('when in production an origin is plain http (other than localhost), then start-up is refused naming it', () => {
    const refused = problemsOf({
      ...production,
      WEBAUTHN_RP_ID: 'example.com',
      WEBAUTHN_ORIGINS: 'http://app.example.com',
    });
    const localhost = problemsOf({
      ...production,
      WEBAUTHN_RP_ID: 'localhost',
      WEBAUTHN_ORIGINS: 'http://localhost:5173',
    });
    const outsideProduction = problemsOf({
      ...development,
      WEBAUTHN_RP_ID: 'example.com',
      WEBAUTHN_ORIGINS: 'http://app.example.com',
    });

    expect(refused).toEqual([{ variable: 'WEBAUTHN_ORIGINS', problem: expect.stringContaining('https') as string }]);
    expect(localhost).toEqual([]);
    expect(outsideProduction).toEqual([]);
  });

  test('when an origin is not on the RP ID domain, then start-up is refused in every environment', () => {
    expect(
      problemsOf({ ...development, WEBAUTHN_RP_ID: 'example.com', WEBAUTHN_ORIGINS: 'https://example.org' }),
    ).toEqual([{ variable: 'WEBAUTHN_ORIGINS', problem: expect.stringContaining('example.com') as string }]);
    // With the origin derived from APP_URL, the RP ID is what is wrong.
    expect(problemsOf({ ...production, WEBAUTHN_RP_ID: 'example.org' })).toEqual([
      { variable: 'WEBAUTHN_RP_ID', problem: expect.stringContaining('example.org') as string },
    ]);
    // A suffix that is not a parent domain ("badexample.com" ends with "example.com") is no match.
    expect(
      problemsOf({ ...development, WEBAUTHN_RP_ID: 'example.com', WEBAUTHN_ORIGINS: 'https://badexample.com' }),
    ).toHaveLength(1);
  });

  test('when the RP ID has a scheme or port, or the challenge lifetime is out of bounds, then start-up is refused', () => {
    expect(problemsOf({ ...development, WEBAUTHN_RP_ID: 'https://example.com' }).map((p) => p.variable)).toContain(
      'WEBAUTHN_RP_ID',
    );
    expect(problemsOf({ ...development, WEBAUTHN_CHALLENGE_TTL_SECONDS: '5' }).map((p) => p.variable)).toEqual([
      'WEBAUTHN_CHALLENGE_TTL_SECONDS',
    ]);
  });
});
