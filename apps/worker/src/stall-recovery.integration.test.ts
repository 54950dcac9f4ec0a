import { createLogger } from '@groundwork/core';
import {
  bullPrefix,
  createFastFailRedis,
  createProducer,
  createWorkerRedis,
  housekeepingQueue,
  type StripeEventJob,
  stripeEventsQueue,
} from '@groundwork/queue';
import { Worker } from 'bullmq';
import { afterAll, describe, expect, test } from 'vitest';

import { redisReady } from '../../../test/support/redis-ready.js';
import { TEST_REDIS, uniqueKeyPrefix } from '../../../test/support/test-env.js';
import { createStripeEventHandler } from './jobs/stripe-event.job.js';
import { startWorkersFor } from './testing/start-workers-for.js';

const logger = createLogger({ service: 'stall-test', level: 'silent' });

describe('stall detection (ADR 012)', () => {
  const keyPrefix = uniqueKeyPrefix();
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  test('when the worker holding a job dies without a word, then another worker runs the job well within BullMQ’s default 30 s + 30 s', async () => {
    // Arrange: a job taken by a "worker" that then dies: fetched by hand, so no one renews its lock.
    const producerRedis = await redisReady(createFastFailRedis(TEST_REDIS, logger, { role: 'stall-producer' }));
    const workerRedis = createWorkerRedis(TEST_REDIS, logger);
    const producer = createProducer(housekeepingQueue, { connection: producerRedis, keyPrefix, logger });
    cleanups.push(
      () => Promise.resolve(workerRedis.disconnect()),
      () => Promise.resolve(producerRedis.disconnect()),
    );
    cleanups.push(() => producer.close());
    const dead = new Worker(housekeepingQueue.name, null, {
      connection: workerRedis,
      prefix: bullPrefix(keyPrefix, workerRedis.isCluster),
      ...housekeepingQueue.stall,
    });
    cleanups.push(() => dead.close(true));
    await producer.enqueue('heartbeat', { task: 'heartbeat' }, { jobId: 'orphan' });
    const taken = await dead.getNextJob('dead-worker-token');
    expect(taken?.id).toBe('orphan');

    // Act: a healthy worker with the product's settings.
    const healthyRedis = createWorkerRedis(TEST_REDIS, logger);
    cleanups.push(() => Promise.resolve(healthyRedis.disconnect()));
    let resolveRan: (jobId: string) => void = () => undefined;
    const ran = new Promise<string>((resolve) => (resolveRan = resolve));
    const running = startWorkersFor(
      {
        housekeeping: (job) => {
          resolveRan(job.id ?? '');
          return Promise.resolve();
        },
      },
      { connection: healthyRedis, keyPrefix, logger },
    );
    cleanups.push(() => running.close(1_000));

    // Assert: the test's own 30 s timeout is shorter than BullMQ's defaults would need.
    expect(await ran).toBe('orphan');
  });

  test('when the worker holding a Stripe event dies, then another worker runs it within 5 s (ADR 033; the base settings need up to 9 s), flagged as retried', async () => {
    // Arrange: as above (on keys of its own), on the stripe-events queue with its own, shorter settings.
    const ownPrefix = uniqueKeyPrefix();
    const redis = await redisReady(createFastFailRedis(TEST_REDIS, logger, { role: 'stall-producer' }));
    const deadRedis = createWorkerRedis(TEST_REDIS, logger);
    const healthyRedis = createWorkerRedis(TEST_REDIS, logger);
    const producer = createProducer(stripeEventsQueue, { connection: redis, keyPrefix: ownPrefix, logger });
    const dead = new Worker(stripeEventsQueue.name, null, {
      connection: deadRedis,
      prefix: bullPrefix(ownPrefix, deadRedis.isCluster),
      ...stripeEventsQueue.stall,
    });
    cleanups.push(
      () => Promise.resolve(healthyRedis.disconnect()),
      () => Promise.resolve(deadRedis.disconnect()),
      () => Promise.resolve(redis.disconnect()),
      () => producer.close(),
      () => dead.close(true),
    );
    await producer.enqueue('stripe-event', { eventId: 'evt_orphan' }, { jobId: 'evt_orphan' });
    expect((await dead.getNextJob('dead-worker-token'))?.id).toBe('evt_orphan');
    const diedAt = performance.now();

    // Act
    let resolveRan: (ran: { elapsedMs: number; options?: { retried?: boolean } }) => void = () => undefined;
    const ran = new Promise<{ elapsedMs: number; options?: { retried?: boolean } }>(
      (resolve) => (resolveRan = resolve),
    );
    // The product's handler, over a billing that records how it was asked to process the event.
    const handleStripeEvent = createStripeEventHandler({
      billing: {
        processEvent: (_eventId: string, options?: { retried?: boolean }) => {
          resolveRan({ elapsedMs: performance.now() - diedAt, options });
          return Promise.resolve('processed' as const);
        },
      },
    });
    const running = startWorkersFor(
      { 'stripe-events': (job) => handleStripeEvent(job.data as StripeEventJob, job) },
      { connection: healthyRedis, keyPrefix: ownPrefix, logger },
    );
    cleanups.push(() => running.close(1_000));

    // Assert: soon, and flagged, so an event its dead worker had already committed is announced again.
    const { elapsedMs, options } = await ran;
    expect(elapsedMs).toBeLessThan(5_000);
    expect(options).toEqual({ retried: true });
  });
});
