import { createLogger } from '@groundwork/core';
import {
  bullPrefix,
  createFastFailRedis,
  createProducer,
  createWorkerRedis,
  housekeepingQueue,
} from '@groundwork/queue';
import { Worker } from 'bullmq';
import { afterAll, describe, expect, test } from 'vitest';

import { redisReady } from '../../../test/support/redis-ready.js';
import { TEST_REDIS, uniqueKeyPrefix } from '../../../test/support/test-env.js';
import { startWorkers } from './start-workers.js';

const logger = createLogger({ service: 'stall-test', level: 'silent' });

describe('stall detection (ADR 012)', () => {
  const keyPrefix = uniqueKeyPrefix();
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  test('when the worker holding a job dies without a word, then another worker runs the job well within BullMQ’s default 30 s + 30 s', async () => {
    // Arrange: a job taken by a "worker" that then dies: fetched by hand, so no one renews its lock.
    const producerRedis = await redisReady(createFastFailRedis(TEST_REDIS, logger, 'stall-producer'));
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
    const running = startWorkers({
      processors: {
        housekeeping: (job) => {
          resolveRan(job.id ?? '');
          return Promise.resolve();
        },
        'stripe-events': () => Promise.resolve(),
        billing: () => Promise.resolve(),
        emails: () => Promise.resolve(),
      },
      connection: healthyRedis,
      keyPrefix,
      concurrency: 1,
      logger,
    });
    cleanups.push(() => running.close(1_000));

    // Assert: the test's own 30 s timeout is shorter than BullMQ's defaults would need.
    expect(await ran).toBe('orphan');
  });
});
