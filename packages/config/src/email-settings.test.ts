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
};
const smtp = {
  SMTP_URL: 'smtps://apikey:Vq8vN3kLp2Xr7Tw9Hb4M@smtp.example.com:465',
  MAIL_FROM: 'no-reply@example.com',
};

function variablesRefused(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map((issue) => issue.variable);
    throw error;
  }
}

describe('e-mail settings', () => {
  test('when nothing is set in development, then mail goes to the local catcher and links to the local front end, 30-minute resets, 5 account e-mails an hour', () => {
    const config = loadConfig(development);

    expect(config.email).toMatchObject({ enabled: true, smtp: { url: 'smtp://127.0.0.1:1025' } });
    expect(config.links).toEqual({ appUrl: 'http://localhost:5173', verificationTtlHours: 24, resetTtlMinutes: 30 });
    expect(config.rateLimits.accountEmail).toEqual({ points: 5, durationSeconds: 3600 });
  });

  test('when production has no SMTP settings, then start-up is refused naming SMTP_URL and MAIL_FROM', () => {
    expect(variablesRefused(production)).toEqual(['SMTP_URL', 'MAIL_FROM']);
  });

  test('when production turns e-mail off explicitly, then it starts without SMTP settings', () => {
    const config = loadConfig({ ...production, EMAIL_DELIVERY: 'disabled' });

    expect(config.email.enabled).toBe(false);
  });

  test('when production turns e-mail off and SMTP_URL and MAIL_FROM say none (compose wants a value), then it starts without reading them', () => {
    const config = loadConfig({ ...production, EMAIL_DELIVERY: 'disabled', SMTP_URL: 'none', MAIL_FROM: 'none' });

    expect(config.email.enabled).toBe(false);
    expect(variablesRefused({ ...production, SMTP_URL: 'none', MAIL_FROM: 'none' })).toEqual(['SMTP_URL', 'MAIL_FROM']);
  });

  test('when production has SMTP settings, then it starts and uses them', () => {
    const config = loadConfig({ ...production, ...smtp });

    expect(config.email).toMatchObject({ enabled: true, smtp: { url: smtp.SMTP_URL }, from: 'no-reply@example.com' });
  });

  test('when production links would point to a plain http front end, then start-up is refused naming APP_URL', () => {
    expect(variablesRefused({ ...production, ...smtp, APP_URL: 'http://app.example.com' })).toEqual(['APP_URL']);
    expect(variablesRefused({ ...production, ...smtp, APP_URL: undefined as unknown as string })).toEqual(['APP_URL']);
  });

  test('when production would let more than 20 account e-mails an hour through, then start-up is refused naming RATE_LIMIT_ACCOUNT_EMAIL', () => {
    expect(variablesRefused({ ...production, ...smtp, RATE_LIMIT_ACCOUNT_EMAIL: '1/minute' })).toEqual([
      'RATE_LIMIT_ACCOUNT_EMAIL',
    ]);
    expect(variablesRefused({ ...production, ...smtp, RATE_LIMIT_ACCOUNT_EMAIL: '20/hour' })).toEqual([]);
  });

  test('when a setting has the wrong shape or an unsafe value, then it is named', () => {
    const refused = variablesRefused({
      ...development,
      SMTP_URL: 'http://smtp.example.com',
      MAIL_FROM: 'not an address',
      EMAIL_DELIVERY: 'maybe',
      PASSWORD_RESET_TTL_MINUTES: '1440',
    });

    expect(refused.sort()).toEqual(['EMAIL_DELIVERY', 'MAIL_FROM', 'PASSWORD_RESET_TTL_MINUTES', 'SMTP_URL']);
  });

  test('when the send lease is not well above the SMTP timeout, then it is refused (a retry could send a message twice)', () => {
    expect(variablesRefused({ ...development, SMTP_TIMEOUT_MS: '30000', EMAIL_SEND_LEASE_MS: '60000' })).toEqual([
      'EMAIL_SEND_LEASE_MS',
    ]);
  });
});
