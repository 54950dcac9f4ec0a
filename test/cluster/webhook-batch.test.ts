import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { startTestApi, type TestApi } from '../../apps/api/src/testing/start-test-api.js';
import { billingTestConfig, startStripeEmulator, startTestWorker, type TestWorker } from '../support/billing-stack.js';
import { startPrivateRedisCluster } from '../support/private-redis-cluster.js';
import { useTestDatabase } from '../support/use-test-database.js';
import { deliverStripeWebhook, subscriptionUpdatedEvent } from '../support/stripe-webhook-delivery.js';

/**
 * The webhook's batched enqueue (ADR 032) on a three-master Redis Cluster: one
 * BullMQ pipeline carries several jobs, which ioredis accepts only if all their
 * keys share a slot (the queue prefix's hash tag, ADR 027).
 */
const database = useTestDatabase();

describe('webhook deliveries batched on a Redis Cluster', () => {
  let cluster: Awaited<ReturnType<typeof startPrivateRedisCluster>>;
  let emulator: Awaited<ReturnType<typeof startStripeEmulator>>;
  let api: TestApi;
  let worker: TestWorker;
  beforeAll(async () => {
    cluster = await startPrivateRedisCluster();
    emulator = await startStripeEmulator();
    const config = billingTestConfig(database.url, emulator, {
      REDIS_MODE: 'cluster',
      REDIS_URL: cluster.url,
      // Long enough that deliveries sent together always meet in one batch.
      STRIPE_WEBHOOK_BATCH_WINDOW_MS: '1000',
    });
    [api, worker] = await Promise.all([startTestApi(config), startTestWorker(config)]);
  });
  afterAll(async () => {
    await Promise.all([api.close(), worker.close()]);
    await emulator.close();
    await cluster.stop();
  });

  test('when several webhooks arrive at once, then they are stored and queued together and each is processed', async () => {
    // Arrange
    const events = Array.from({ length: 5 }, () => subscriptionUpdatedEvent({ customer: 'cus_cluster_batch' }));
    const inserts: unknown[][] = [];
    api.db.on('query', (query: { sql: string; bindings?: unknown[] }) => {
      if (query.sql.includes('insert into stripe_events')) inserts.push(query.bindings?.[0] as unknown[]);
    });

    // Act
    const responses = await Promise.all(events.map(({ payload }) => deliverStripeWebhook(api.url, payload)));
    const bodies = await Promise.all(responses.map((response) => response.json()));
    await worker.eventsSettled(events.map((event) => event.id));

    // Assert
    expect(responses.map((response) => response.status)).toEqual(events.map(() => 200));
    expect(bodies).toEqual(events.map(() => ({ received: true })));
    // Batched: at least one insert, and so one pipeline, carried several events.
    expect(Math.max(...inserts.map((batch) => batch.length))).toBeGreaterThan(1);
    expect(
      api.logs.lines.filter((line) => line.msg === 'stripe event stored but not queued; the sweeper will queue it'),
    ).toEqual([]);
  });
});
