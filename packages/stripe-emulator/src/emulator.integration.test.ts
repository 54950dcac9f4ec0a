import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { startStripeEmulator, type StripeEmulator } from './server.js';
import { EMULATED_API_VERSION } from './state.js';

const WEBHOOK_SECRET = 'whsec_emulator_test';

/** A webhook endpoint that verifies each delivery exactly as the API does. */
async function startReceiver() {
  const received: Stripe.Event[] = [];
  const verifier = new Stripe('sk_test_verifier');
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      try {
        received.push(
          verifier.webhooks.constructEvent(
            Buffer.concat(chunks),
            String(req.headers['stripe-signature']),
            WEBHOOK_SECRET,
          ),
        );
        res.writeHead(200).end('{}');
      } catch {
        res.writeHead(400).end('bad signature');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    received,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/stripe`,
    close: () => server.close(),
  };
}

describe('stripe emulator through the real SDK', () => {
  let emulator: StripeEmulator;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let stripe: Stripe;
  beforeAll(async () => {
    receiver = await startReceiver();
    emulator = await startStripeEmulator({ webhook: { url: receiver.url, secret: WEBHOOK_SECRET } });
    stripe = new Stripe('sk_test_emulated', {
      apiVersion: EMULATED_API_VERSION,
      host: '127.0.0.1',
      port: emulator.port,
      protocol: 'http',
      maxNetworkRetries: 0,
    });
  });
  afterAll(async () => {
    await emulator.close();
    receiver.close();
  });

  test('when a checkout is created and completed, then the subscription is listed with its period on the item and signed events arrive', async () => {
    const customer = await stripe.customers.create({ email: 'a@example.test', metadata: { organizationId: 'org-1' } });
    const session = await stripe.checkout.sessions.create({
      mode: 'subscription',
      customer: customer.id,
      line_items: [{ price: 'price_pro_monthly', quantity: 1 }],
      success_url: 'https://app.example.test/ok',
      client_reference_id: 'org-1',
      metadata: { organizationId: 'org-1' },
    });

    emulator.completeCheckout(session.id);
    await emulator.webhooksSettled();
    const subscriptions = await stripe.subscriptions.list({ customer: customer.id, status: 'all' });

    expect(session.url).toMatch(/\/checkout\/cs_test_/);
    expect(subscriptions.data).toHaveLength(1);
    expect(subscriptions.data[0]?.status).toBe('active');
    expect(subscriptions.data[0]?.items.data[0]?.current_period_end).toBeGreaterThan(Date.now() / 1000);
    expect(receiver.received.map((event) => event.type)).toEqual(
      expect.arrayContaining(['customer.subscription.created', 'checkout.session.completed', 'invoice.paid']),
    );
    expect((await stripe.checkout.sessions.retrieve(session.id)).subscription).toBe(subscriptions.data[0]?.id);
  });

  test('when the same idempotency key is reused, then the first response is replayed; with other parameters, Stripe refuses', async () => {
    const key = randomUUID();

    const first = await stripe.customers.create({ email: 'same@example.test' }, { idempotencyKey: key });
    const replay = await stripe.customers.create({ email: 'same@example.test' }, { idempotencyKey: key });
    const conflicting = stripe.customers.create({ email: 'other@example.test' }, { idempotencyKey: key });

    expect(replay.id).toBe(first.id);
    await expect(conflicting).rejects.toMatchObject({ type: 'StripeIdempotencyError' });
  });

  test('when a subscription is canceled, then it ends at once; a retry with the same key is replayed, a new cancel refused', async () => {
    const customer = await stripe.customers.create({ email: 'leaving@example.test' });
    const subscription = emulator.state.subscribe(customer.id, 'price_pro_monthly');
    const key = randomUUID();

    const canceled = await stripe.subscriptions.cancel(subscription.id, {}, { idempotencyKey: key });
    const replay = await stripe.subscriptions.cancel(subscription.id, {}, { idempotencyKey: key });
    const again = stripe.subscriptions.cancel(subscription.id);

    expect(canceled.status).toBe('canceled');
    expect(replay).toMatchObject({ id: subscription.id, status: 'canceled' });
    await expect(again).rejects.toMatchObject({ type: 'StripeInvalidRequestError' });
    await emulator.webhooksSettled();
    const deletions = receiver.received.filter(
      (event) =>
        event.type === 'customer.subscription.deleted' && (event.data.object as { id: string }).id === subscription.id,
    );
    expect(deletions).toHaveLength(1);
  });

  test('when an object does not exist or the key is missing, then the SDK raises Stripe errors', async () => {
    await expect(stripe.subscriptions.retrieve('sub_missing')).rejects.toMatchObject({
      type: 'StripeInvalidRequestError',
      code: 'resource_missing',
      statusCode: 404,
    });
    const badKey = new Stripe('not_a_key', {
      host: '127.0.0.1',
      port: emulator.port,
      protocol: 'http',
      maxNetworkRetries: 0,
    });
    await expect(badKey.customers.retrieve('cus_x')).rejects.toMatchObject({
      type: 'StripeAuthenticationError',
      statusCode: 401,
    });
  });

  test('when the balance is retrieved, then the emulator answers as Stripe does (the health check call)', async () => {
    const balance = await stripe.balance.retrieve();

    expect(balance.object).toBe('balance');
    expect(balance.available[0]).toMatchObject({ amount: 0, currency: 'usd' });
  });

  test('when the emulator is given one secret key, then another well-formed key is refused with 401', async () => {
    const strict = await startStripeEmulator({ secretKey: 'sk_test_the_right_one' });
    const client = (key: string) =>
      new Stripe(key, { host: '127.0.0.1', port: strict.port, protocol: 'http', maxNetworkRetries: 0 });

    try {
      await expect(client('sk_test_the_right_one').balance.retrieve()).resolves.toMatchObject({ object: 'balance' });
      await expect(client('sk_test_another_one').balance.retrieve()).rejects.toMatchObject({
        type: 'StripeAuthenticationError',
        statusCode: 401,
      });
    } finally {
      await strict.close();
    }
  });

  test('when the legacy shape is chosen, then the period sits on the subscription as before API version 2025-03-31', async () => {
    const customer = await stripe.customers.create({});
    const session = await stripe.checkout.sessions.create({
      mode: 'subscription',
      customer: customer.id,
      line_items: [{ price: 'price_business_yearly', quantity: 1 }],
      success_url: 'https://app.example.test/ok',
    });
    const subscription = emulator.completeCheckout(session.id);

    emulator.setShape('legacy');
    const legacy = (await stripe.subscriptions.retrieve(subscription.id)) as unknown as Record<string, unknown>;
    emulator.setShape('current');

    expect(legacy.current_period_end).toEqual(expect.any(Number));
    expect((legacy.items as { data: Record<string, unknown>[] }).data[0]).not.toHaveProperty('current_period_end');
  });

  test('when events are held and flushed shuffled with duplicates, then every event arrives at least once, all signed', async () => {
    const held = await startStripeEmulator({
      webhook: { url: receiver.url, secret: WEBHOOK_SECRET },
      delivery: 'manual',
    });
    const customer = held.state.createCustomer({});
    const subscription = held.state.subscribe(customer.id, 'price_pro_monthly');
    held.updateSubscription(subscription.id, { cancelAtPeriodEnd: true });
    held.updateSubscription(subscription.id, { status: 'canceled' });
    let seed = 7;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;

    const deliveries = await held.flushWebhooks({ shuffle: true, duplicate: true, random });

    expect(new Set(deliveries.map((delivery) => delivery.eventId))).toEqual(
      new Set(held.state.events.map((event) => event.id)),
    );
    expect(deliveries.every((delivery) => delivery.status === 200)).toBe(true);
    expect(deliveries.length).toBeGreaterThan(held.state.events.length);
    await held.close();
  });
});
