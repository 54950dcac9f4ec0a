import { createLogger } from '@groundwork/core';
import {
  createFastFailRedis,
  createProducer,
  createWorkerRedis,
  type StripeEventJob,
  stripeEventsQueue,
} from '@groundwork/queue';
import { afterAll, describe, expect, test } from 'vitest';

import { redisReady } from '../../../../test/support/redis-ready.js';
import { TEST_REDIS, uniqueKeyPrefix } from '../../../../test/support/test-env.js';
import { startWorkersFor } from '../testing/start-workers-for.js';
import { createStripeEventHandler } from './stripe-event.job.js';

const logger = createLogger({ service: 'stripe-event-job-test', level: 'silent' });

describe('the Stripe-event job (ADR 051)', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  test('when an attempt fails (as when the connection drops with the commit’s reply in flight), then the next attempt processes the event flagged as retried, and the first was not', async () => {
    // Arrange: a billing whose first call fails after "committing", on the product's queue settings.
    const keyPrefix = uniqueKeyPrefix();
    const redis = await redisReady(createFastFailRedis(TEST_REDIS, logger, { role: 'retry-producer' }));
    const workerRedis = createWorkerRedis(TEST_REDIS, logger);
    const producer = createProducer(stripeEventsQueue, { connection: redis, keyPrefix, logger });
    cleanups.push(
      () => Promise.resolve(workerRedis.disconnect()),
      () => Promise.resolve(redis.disconnect()),
      () => producer.close(),
    );
    const calls: { retried?: boolean }[] = [];
    let resolveSecond: () => void = () => undefined;
    const second = new Promise<void>((resolve) => (resolveSecond = resolve));
    const handleStripeEvent = createStripeEventHandler({
      billing: {
        processEvent: (_eventId: string, options: { retried?: boolean } = {}) => {
          calls.push(options);
          if (calls.length === 1) return Promise.reject(new Error('Connection terminated unexpectedly'));
          resolveSecond();
          return Promise.resolve('already-done' as const);
        },
      },
    });
    const running = startWorkersFor(
      { 'stripe-events': (job) => handleStripeEvent(job.data as StripeEventJob, job) },
      { connection: workerRedis, keyPrefix, logger },
    );
    cleanups.push(() => running.close(1_000));

    // Act
    await producer.enqueue('stripe-event', { eventId: 'evt_reply_lost' }, { jobId: 'evt_reply_lost' });
    await second;

    // Assert: the retry is told, so an event its failed attempt had committed gets announced.
    expect(calls).toEqual([{ retried: false }, { retried: true }]);
  });
});
