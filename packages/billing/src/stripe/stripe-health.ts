import type { BackgroundCheck } from '@groundwork/core';
import type Stripe from 'stripe';

/** One health call's budget. Generous: a slow Stripe is reported, never waited on by a probe. */
const STRIPE_CHECK_TIMEOUT_MS = 5_000;

/**
 * Why a health call failed, in words that are safe to serve from `/ready`:
 * Stripe's own messages can quote part of the key, so they are never passed on.
 */
function degradedReason(error: unknown): string {
  const { type, statusCode, message } = (error ?? {}) as { type?: string; statusCode?: number; message?: string };
  switch (type) {
    case 'StripeAuthenticationError':
      return 'degraded: invalid API key';
    case 'StripeRateLimitError':
      return 'degraded: rate limited';
    case 'StripeConnectionError':
      return /timeout/i.test(message ?? '') ? 'degraded: timeout' : 'degraded: unreachable';
    case 'StripeAPIError':
      return `degraded: Stripe error${statusCode ? ` (HTTP ${statusCode})` : ''}`;
    default:
      return `degraded: unexpected response${statusCode ? ` (HTTP ${statusCode})` : ''}`;
  }
}

/**
 * The `stripe` readiness check: retrieves the balance, the cheapest
 * authenticated call, to learn whether Stripe answers and accepts the key.
 * It never gates readiness (ADR 009): an instance that cannot reach Stripe
 * still serves everything else, and taking every instance out of the load
 * balancer would turn a Stripe incident into a full outage. A restricted key
 * not allowed to read the balance counts as `ok`: Stripe answered and
 * recognised it.
 *
 * @param options.configured false when no secret key is set: reported as such, nothing is called
 * @param options.intervalMs how often to call Stripe
 */
export function stripeHealthCheck(
  stripe: Stripe,
  options: { configured: boolean; intervalMs: number; timeoutMs?: number },
): BackgroundCheck {
  const timeoutMs = options.timeoutMs ?? STRIPE_CHECK_TIMEOUT_MS;
  return {
    gating: false,
    intervalMs: options.intervalMs,
    // The SDK's own timeout answers first; this only bounds a stuck SDK.
    timeoutMs: timeoutMs + 1_000,
    async run() {
      if (!options.configured) return 'degraded: not configured';
      try {
        await stripe.balance.retrieve({}, { timeout: timeoutMs, maxNetworkRetries: 0 });
        return 'ok';
      } catch (error) {
        if ((error as { type?: string }).type === 'StripePermissionError') return 'ok';
        return degradedReason(error);
      }
    },
  };
}
