import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { startTestApi, type TestApi } from '../../apps/api/src/testing/start-test-api.js';
import { billingTestConfig, startStripeEmulator, startTestWorker } from '../support/billing-stack.js';
import { deadRedisUrl } from '../support/dead-redis.js';
import { useTestDatabase } from '../support/use-test-database.js';
import { deliverStripeWebhook, subscriptionUpdatedEvent } from '../support/stripe-webhook-delivery.js';

const database = useTestDatabase();
/** Long enough that deliveries sent together always meet in one batch on a loaded machine. */
const BATCHING = { STRIPE_WEBHOOK_BATCH_WINDOW_MS: '500', STRIPE_WEBHOOK_BATCH_MAX: '3' };

const eventPayload = (subscription: Record<string, unknown> = {}) =>
  subscriptionUpdatedEvent({ customer: 'cus_group', subscription });

const deliver = (api: TestApi, payload: string) => deliverStripeWebhook(api.url, payload);

/** The ids each `insert into stripe_events` statement of this API carried, in order. */
function recordInserts(api: TestApi): string[][] {
  const inserts: string[][] = [];
  api.db.on('query', (query: { sql: string; bindings?: unknown[] }) => {
    if (query.sql.includes('insert into stripe_events')) inserts.push(query.bindings?.[0] as string[]);
  });
  return inserts;
}

describe('POST /webhooks/stripe, deliveries grouped into one insert and one enqueue', () => {
  let emulator: Awaited<ReturnType<typeof startStripeEmulator>>;
  let api: TestApi;
  let inserts: string[][];
  let queue: Queue;
  beforeAll(async () => {
    emulator = await startStripeEmulator();
    api = await startTestApi(billingTestConfig(database.url, emulator, BATCHING));
    inserts = recordInserts(api);
    queue = new Queue('stripe-events', { connection: api.redis, prefix: `${api.config.redis.keyPrefix}:bull` });
  });
  afterAll(async () => {
    await queue.close();
    await api.close();
    await emulator.close();
  });

  const storedIds = async (ids: string[]) =>
    (await api.db<{ id: string }>('stripeEvents').whereIn('id', ids).select('id')).map((row) => row.id).sort();
  const queuedIds = async (ids: string[]) =>
    (await Promise.all(ids.map((id) => queue.getJob(id)))).flatMap((job) => (job?.id ? [job.id] : [])).sort();

  test('when the same event is delivered twice at once, then one insert stores it once, both get 200, and one job is queued', async () => {
    // Arrange
    const { id, payload } = eventPayload();
    inserts.length = 0;

    // Act
    const responses = await Promise.all([deliver(api, payload), deliver(api, payload)]);

    // Assert
    expect(responses.map((response) => response.status)).toEqual([200, 200]);
    expect(inserts).toEqual([[id]]);
    expect(await storedIds([id])).toEqual([id]);
    expect(await queuedIds([id])).toEqual([id]);
  });

  test('when more deliveries arrive at once than a batch may carry, then each insert carries at most the maximum and all are stored and queued', async () => {
    const events = Array.from({ length: 7 }, () => eventPayload());
    const ids = events.map((event) => event.id).sort();
    inserts.length = 0;

    const responses = await Promise.all(events.map((event) => deliver(api, event.payload)));

    expect(responses.map((response) => response.status)).toEqual(events.map(() => 200));
    expect(inserts.flat().sort()).toEqual(ids);
    expect(Math.max(...inserts.map((batch) => batch.length))).toBeLessThanOrEqual(3);
    expect(await storedIds(ids)).toEqual(ids);
    expect(await queuedIds(ids)).toEqual(ids);
  });

  test('when PostgreSQL refuses one event of a batch, then only that delivery gets 5xx and the others are stored and queued', async () => {
    const good = [eventPayload(), eventPayload()];
    // Valid JSON (the signature and JSON.parse accept it), but jsonb refuses the NUL escape.
    const bad = eventPayload({ description: 'nul \u0000 inside' });
    inserts.length = 0;

    const [first, refused, second] = await Promise.all([
      deliver(api, good[0]?.payload ?? ''),
      deliver(api, bad.payload),
      deliver(api, good[1]?.payload ?? ''),
    ]);

    expect([first?.status, refused?.status, second?.status]).toEqual([200, 500, 200]);
    expect(inserts[0]?.length).toBe(3); // they met in one batch, which then went in one event at a time
    const goodIds = good.map((event) => event.id).sort();
    expect(await storedIds([...goodIds, bad.id])).toEqual(goodIds);
    expect(await queuedIds([...goodIds, bad.id])).toEqual(goodIds);
  });

  test('when the database cannot store a batch, then every delivery of it gets 5xx and nothing is queued', async () => {
    const deadDb = new URL(database.url);
    deadDb.port = '1';
    const broken = await startTestApi(billingTestConfig(deadDb.toString(), emulator, BATCHING));
    const brokenQueue = new Queue('stripe-events', {
      connection: broken.redis,
      prefix: `${broken.config.redis.keyPrefix}:bull`,
    });
    const events = [eventPayload(), eventPayload(), eventPayload()];

    const responses = await Promise.all(events.map((event) => deliver(broken, event.payload)));
    const counts = await brokenQueue.getJobCounts();
    await brokenQueue.close();
    await broken.close();

    expect(responses.map((response) => response.status)).toEqual([500, 500, 500]);
    expect(Object.values(counts).reduce((sum, count) => sum + count, 0)).toBe(0);
  });

  test('when Redis is down, then a batch is still stored and answered 200, and the sweeper queues every event of it', async () => {
    const dead = await deadRedisUrl();
    const isolated = await startTestApi(
      billingTestConfig(database.url, emulator, { ...BATCHING, REDIS_URL: dead.url }),
      {
        waitForRedis: false,
      },
    );
    const events = [eventPayload(), eventPayload(), eventPayload()];
    const ids = events.map((event) => event.id).sort();

    const responses = await Promise.all(events.map((event) => deliver(isolated, event.payload)));
    await isolated.close();
    dead.close();

    expect(responses.map((response) => response.status)).toEqual([200, 200, 200]);
    const pending = await api
      .db<{ id: string; status: string }>('stripeEvents')
      .whereIn('id', ids)
      .where({ status: 'pending' })
      .select('id');
    expect(pending.map((row) => row.id).sort()).toEqual(ids);

    const worker = await startTestWorker(billingTestConfig(database.url, emulator));
    await worker.billing.sweepPendingEvents({ olderThan: new Date(Date.now() + 60_000), enqueue: worker.enqueueEvent });
    await worker.eventsSettled(ids);
    await worker.close();
    const settled = await api.db<{ status: string }>('stripeEvents').whereIn('id', ids).select('status');
    expect(settled.map((row) => row.status)).toEqual(['ignored', 'ignored', 'ignored']);
  });
});
