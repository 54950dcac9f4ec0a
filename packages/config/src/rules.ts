import type { z } from 'zod';

import type { Problem } from './config-error.js';
import { envSchema } from './env.schema.js';
import { relyingPartyProblems } from './relying-party.js';
import { weakSecretReason } from './secrets.js';

const WEBHOOK_SECRET_PREFIX = 'whsec_';
/** Past this, instances learn of each other's plan-gated calls so late that the daily limit means little. */
const MAX_PRODUCTION_GATED_CALL_SYNC_MS = 60_000;
const MAX_ACCOUNT_EMAILS_PER_HOUR = 20;

/**
 * The schema the rules below read: every variable that parsed, with the
 * required ones possibly missing, so the rules can run even when some
 * variables are malformed and one start reports every problem.
 */
export const ruleInputSchema = envSchema.partial({ DATABASE_URL: true });
type RuleInput = z.infer<typeof ruleInputSchema>;

/** Rules that span several variables, checked in every environment (the signing keys' in signing-keys.ts). */
function crossFieldProblems(env: RuleInput): Problem[] {
  const problems: Problem[] = [];
  if (Boolean(env.ADMIN_USERNAME) !== Boolean(env.ADMIN_PASSWORD)) {
    problems.push({
      variable: env.ADMIN_USERNAME ? 'ADMIN_PASSWORD' : 'ADMIN_USERNAME',
      problem: 'set both ADMIN_USERNAME and ADMIN_PASSWORD, or neither',
    });
  }
  if (env.AUTH_REFRESH_COOKIE && env.CORS_ORIGINS.length === 0) {
    problems.push({
      variable: 'CORS_ORIGINS',
      problem: 'must list the browser origins allowed to use the refresh cookie (AUTH_REFRESH_COOKIE=true)',
    });
  }
  // A cluster has database 0 only; a URL naming another would be silently ignored, mixing deployments' keys.
  const database = env.REDIS_URL ? new URL(env.REDIS_URL).pathname.replace('/', '') : '';
  if (env.REDIS_MODE === 'cluster' && database !== '' && database !== '0') {
    problems.push({ variable: 'REDIS_URL', problem: 'must not name a database: a Redis Cluster has database 0 only' });
  }
  // A lease shorter than one SMTP exchange (connect, greeting, data) would let a retry send a message still in flight.
  if (env.EMAIL_SEND_LEASE_MS < env.SMTP_TIMEOUT_MS * 3) {
    problems.push({
      variable: 'EMAIL_SEND_LEASE_MS',
      problem: `must be at least three times SMTP_TIMEOUT_MS (${env.SMTP_TIMEOUT_MS * 3} ms)`,
    });
  }
  return problems;
}

/** Production sends real mail, or says explicitly that it sends none. */
function emailProblems(env: RuleInput): Problem[] {
  const problems: Problem[] = [];
  if (!env.APP_URL.startsWith('https://')) {
    problems.push({ variable: 'APP_URL', problem: 'must be an https:// URL in production (links carry secrets)' });
  }
  // More than this turns the reset and resend procedures into a way to flood someone's inbox.
  const perHour = (env.RATE_LIMIT_ACCOUNT_EMAIL.points * 3600) / env.RATE_LIMIT_ACCOUNT_EMAIL.durationSeconds;
  if (perHour > MAX_ACCOUNT_EMAILS_PER_HOUR) {
    problems.push({
      variable: 'RATE_LIMIT_ACCOUNT_EMAIL',
      problem: `must allow at most ${MAX_ACCOUNT_EMAILS_PER_HOUR} per hour in production`,
    });
  }
  if (env.EMAIL_DELIVERY === 'disabled') return problems;
  for (const variable of ['SMTP_URL', 'MAIL_FROM'] as const) {
    if (!env[variable]) {
      problems.push({ variable, problem: 'is required in production unless e-mail is off (EMAIL_DELIVERY=disabled)' });
    }
  }
  return problems;
}

function productionProblems(env: RuleInput): Problem[] {
  const problems: Problem[] = [];
  if (env.JWT_ALGORITHM === 'HS256') {
    const weakness = env.JWT_SECRET ? weakSecretReason(env.JWT_SECRET, 43) : 'is required in production';
    if (weakness) problems.push({ variable: 'JWT_SECRET', problem: env.JWT_SECRET ? `it ${weakness}` : weakness });
  }
  const twoFactorWeakness = env.AUTH_TWO_FACTOR_SECRET
    ? weakSecretReason(env.AUTH_TWO_FACTOR_SECRET, 43)
    : 'is required in production';
  if (twoFactorWeakness) {
    problems.push({
      variable: 'AUTH_TWO_FACTOR_SECRET',
      problem: env.AUTH_TWO_FACTOR_SECRET ? `it ${twoFactorWeakness}` : twoFactorWeakness,
    });
  }
  const adminWeakness = env.ADMIN_PASSWORD ? weakSecretReason(env.ADMIN_PASSWORD, 16) : null;
  if (adminWeakness) problems.push({ variable: 'ADMIN_PASSWORD', problem: `it ${adminWeakness}` });
  const metricsWeakness = env.METRICS_TOKEN ? weakSecretReason(env.METRICS_TOKEN, 24) : null;
  if (metricsWeakness) problems.push({ variable: 'METRICS_TOKEN', problem: `it ${metricsWeakness}` });
  if (env.LOG_FORMAT === 'pretty') {
    problems.push({ variable: 'LOG_FORMAT', problem: 'must be json in production (log collectors read JSON lines)' });
  }
  if (env.GATED_CALL_SYNC_INTERVAL_MS > MAX_PRODUCTION_GATED_CALL_SYNC_MS) {
    problems.push({
      variable: 'GATED_CALL_SYNC_INTERVAL_MS',
      problem: `must be at most ${MAX_PRODUCTION_GATED_CALL_SYNC_MS} in production (the daily limit's overshoot grows with it)`,
    });
  }
  if (env.BCRYPT_COST < 10) problems.push({ variable: 'BCRYPT_COST', problem: 'must be at least 10 in production' });
  if (!env.STRIPE_SECRET_KEY) problems.push({ variable: 'STRIPE_SECRET_KEY', problem: 'is required in production' });
  if (!env.STRIPE_WEBHOOK_SECRET) {
    problems.push({
      variable: 'STRIPE_WEBHOOK_SECRET',
      problem: 'is required in production (webhooks cannot be verified without it)',
    });
  } else {
    // Stripe's signing secrets carry at least 32 random characters after the prefix.
    const webhookWeakness = weakSecretReason(env.STRIPE_WEBHOOK_SECRET.slice(WEBHOOK_SECRET_PREFIX.length), 32);
    if (webhookWeakness) {
      problems.push({ variable: 'STRIPE_WEBHOOK_SECRET', problem: `the part after "whsec_" ${webhookWeakness}` });
    }
  }
  if (env.STRIPE_API_BASE && !env.STRIPE_API_BASE.startsWith('https://')) {
    problems.push({
      variable: 'STRIPE_API_BASE',
      problem: 'must be https:// in production (the secret key travels with every call)',
    });
  }
  for (const variable of ['BILLING_SUCCESS_URL', 'BILLING_CANCEL_URL', 'BILLING_PORTAL_RETURN_URL'] as const) {
    if (!env[variable].startsWith('https://'))
      problems.push({ variable, problem: 'must be an https:// URL in production' });
  }
  for (const variable of ['STRIPE_PRICE_PRO_MONTHLY', 'STRIPE_PRICE_BUSINESS_MONTHLY'] as const) {
    if (env[variable] === variable.toLowerCase().replace('stripe_', '')) {
      problems.push({ variable, problem: 'still has the local emulator default; set your Stripe price id' });
    }
  }
  const dbWeakness = env.DATABASE_URL
    ? weakSecretReason(decodeURIComponent(new URL(env.DATABASE_URL).password), 16)
    : null;
  if (dbWeakness) problems.push({ variable: 'DATABASE_URL', problem: `its password ${dbWeakness}` });
  const redisPassword = decodeURIComponent(new URL(env.REDIS_URL).password);
  const redisWeakness = redisPassword ? weakSecretReason(redisPassword, 16) : null;
  if (redisWeakness) problems.push({ variable: 'REDIS_URL', problem: `its password ${redisWeakness}` });
  if (env.CORS_ORIGINS.some((origin) => origin.startsWith('http://'))) {
    problems.push({ variable: 'CORS_ORIGINS', problem: 'plain http:// origins are refused in production' });
  }
  return problems;
}

/** What parsing alone cannot see: rules across variables, and production's stricter ones. */
export function ruleProblems(env: RuleInput): Problem[] {
  return [
    ...crossFieldProblems(env),
    ...relyingPartyProblems(env, env.NODE_ENV === 'production'),
    ...(env.NODE_ENV === 'production' ? [...productionProblems(env), ...emailProblems(env)] : []),
  ];
}
