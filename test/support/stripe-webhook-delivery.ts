import { randomUUID } from 'node:crypto';

import Stripe from 'stripe';

import { TEST_WEBHOOK_SECRET } from './billing-stack.js';

// Only the SDK's signing helper is used: the key is never sent anywhere.
const signer = new Stripe('sk_test_signer');

/**
 * A `Stripe-Signature` header for `payload`, made as Stripe makes it: with the
 * test stack's webhook secret, signed now, unless a test needs another.
 *
 * @param options.secret another secret (a delivery from someone else)
 * @param options.timestamp another signing time, in seconds (a stale delivery)
 */
export function stripeSignature(payload: string, options: { secret?: string; timestamp?: number } = {}): string {
  return signer.webhooks.generateTestHeaderString({
    payload,
    secret: options.secret ?? TEST_WEBHOOK_SECRET,
    ...(options.timestamp === undefined ? {} : { timestamp: options.timestamp }),
  });
}

/**
 * Posts `payload` to an API's Stripe webhook route as Stripe would, signed
 * for the test stack, or with `options.signature` as given to test refusals.
 *
 * @param apiUrl the API's base URL
 */
export function deliverStripeWebhook(
  apiUrl: string,
  payload: string,
  options: { signature?: string } = {},
): Promise<Response> {
  return fetch(`${apiUrl}/webhooks/stripe`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'stripe-signature': options.signature ?? stripeSignature(payload),
    },
    body: payload,
  });
}

/**
 * A test-mode `customer.subscription.updated` event with an id and a
 * subscription of its own, as the webhook tests deliver many of.
 *
 * @param options.customer the customer the subscription belongs to
 * @param options.subscription fields to set on the subscription (a value the database refuses)
 */
export function subscriptionUpdatedEvent(options: { customer: string; subscription?: Record<string, unknown> }) {
  // Unique across test files and processes, which may share a database or Redis.
  const unique = randomUUID().replaceAll('-', '');
  const id = `evt_test_${unique}`;
  const payload = JSON.stringify({
    id,
    object: 'event',
    type: 'customer.subscription.updated',
    api_version: '2026-10-28.endive',
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    data: {
      object: {
        id: `sub_test_${unique}`,
        object: 'subscription',
        customer: options.customer,
        ...options.subscription,
      },
    },
  });
  return { id, payload };
}
