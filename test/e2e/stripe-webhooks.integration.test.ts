import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { startTestApi, type TestApi } from '../../apps/api/src/testing/start-test-api.js';
import { billingTestConfig, startStripeEmulator, startTestWorker } from '../support/billing-stack.js';
import { deadRedisUrl } from '../support/dead-redis.js';
import { useTestDatabase } from '../support/use-test-database.js';
import { deliverStripeWebhook, stripeSignature } from '../support/stripe-webhook-delivery.js';

const database = useTestDatabase();
const FIXTURES = fileURLToPath(new URL('../fixtures/stripe-events', import.meta.url));

function fixture(name: string): string {
  return readFileSync(`${FIXTURES}/${name}`, 'utf8');
}

const deliver = (api: TestApi, payload: string, signature?: string) =>
  deliverStripeWebhook(api.url, payload, signature === undefined ? {} : { signature });

describe('POST /webhooks/stripe', () => {
  let emulator: Awaited<ReturnType<typeof startStripeEmulator>>;
  let api: TestApi;
  beforeAll(async () => {
    emulator = await startStripeEmulator();
    api = await startTestApi(billingTestConfig(database.url, emulator));
  });
  afterAll(async () => {
    await api.close();
    await emulator.close();
  });

  const storedCount = async (id: string) =>
    Number((await api.db('stripeEvents').where({ id }).count({ n: '*' }))[0]?.n);

  test('when the signature is wrong, stale, or the body changed after signing, then 400 with a generic body and nothing stored', async () => {
    const payload = fixture('stripe-ruby-mock__customer.subscription.updated__1.json');
    const id = (JSON.parse(payload) as { id: string }).id;
    const stale = stripeSignature(payload, { timestamp: Math.floor(Date.now() / 1000) - 600 });
    const otherSecret = stripeSignature(payload, { secret: 'whsec_someone_else' });
    const signedOriginal = stripeSignature(payload);

    const responses = await Promise.all([
      deliver(api, payload, otherSecret),
      deliver(api, payload, stale),
      deliver(api, payload.replace('"active"', '"canceled"'), signedOriginal),
      deliver(api, payload, ''),
    ]);

    for (const response of responses) {
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ error: 'invalid webhook' });
    }
    expect(await storedCount(id)).toBe(0);
  });

  test('when a verified event arrives twice, then it is stored once and both deliveries get 200', async () => {
    const payload = fixture('stripe-sync-engine__invoice.paid__1.json');
    const id = (JSON.parse(payload) as { id: string }).id;

    const first = await deliver(api, payload);
    const second = await deliver(api, payload);

    expect([first.status, second.status]).toEqual([200, 200]);
    expect(await storedCount(id)).toBe(1);
  });

  test('when Redis is down, then a verified event is still stored and acknowledged, and the sweeper queues it later', async () => {
    const dead = await deadRedisUrl();
    const isolated = await startTestApi(billingTestConfig(database.url, emulator, { REDIS_URL: dead.url }), {
      waitForRedis: false,
    });
    const payload = fixture('stripe-ruby-mock__invoice.payment_failed__1.json');
    const id = (JSON.parse(payload) as { id: string }).id;

    const response = await deliver(isolated, payload);
    await isolated.close();
    dead.close();

    expect(response.status).toBe(200);
    const stored: { status: string } = await api.db('stripeEvents').where({ id }).first('status');
    expect(stored.status).toBe('pending');

    const worker = await startTestWorker(billingTestConfig(database.url, emulator));
    await worker.billing.sweepPendingEvents({
      olderThan: new Date(Date.now() + 60_000),
      enqueue: worker.enqueueEvent,
    });
    await worker.eventsSettled([id]);
    await worker.close();
    const settled: { status: string } = await api.db('stripeEvents').where({ id }).first('status');
    expect(settled.status).toBe('ignored'); // its customer belongs to no organization here
  });

  test('when the database cannot store the event, then the answer is 5xx so Stripe retries', async () => {
    const deadDb = new URL(database.url);
    deadDb.port = '1';
    const broken = await startTestApi(billingTestConfig(deadDb.toString(), emulator));

    const response = await deliver(broken, fixture('stripe-ruby-mock__invoice.paid__1.json'));
    await broken.close();

    expect(response.status).toBe(500);
    expect(await response.text()).not.toMatch(/ECONNREFUSED|postgres|stack/i);
  });
});
