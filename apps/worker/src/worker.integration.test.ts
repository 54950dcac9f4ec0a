import { randomUUID } from 'node:crypto';
import { once } from 'node:events';

import { createLogger } from '@groundwork/core';
import {
  bullPrefix,
  createFastFailRedis,
  createProducer,
  createWorkerRedis,
  housekeepingQueue,
  type RedisClient,
  workerHeartbeatKey,
} from '@groundwork/queue';
import { type Job, Queue, Worker } from 'bullmq';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';

import { redisReady } from '../../../test/support/redis-ready.js';
import { deleteKeys, keysWithPrefix } from '../../../test/support/redis-keys.js';
import { TEST_REDIS, testConfig, uniqueKeyPrefix } from '../../../test/support/test-env.js';
import { useTestDatabase } from '../../../test/support/use-test-database.js';
import { createWorkerRuntime } from './runtime.js';
import { superviseWorkers } from './start-workers.js';

const database = useTestDatabase();
const logger = createLogger({ service: 'worker-test', level: 'silent' });

describe('worker', () => {
  let keyPrefix: string;
  let producerRedis: RedisClient;
  const cleanups: (() => Promise<unknown>)[] = [];

  beforeEach(async () => {
    keyPrefix = uniqueKeyPrefix();
    producerRedis = await redisReady(createFastFailRedis(TEST_REDIS, logger, { role: 'test-producer' }));
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    await deleteKeys(producerRedis, await keysWithPrefix(producerRedis, keyPrefix));
    producerRedis.disconnect();
  });

  /** The production worker runtime, on this test's key prefix. */
  function startRegistryWorkers() {
    const config = testConfig({
      DATABASE_URL: database.url,
      REDIS_KEY_PREFIX: keyPrefix,
      WORKER_HEARTBEAT_INTERVAL_MS: '1000',
      WORKER_CONCURRENCY: '2',
    });
    const runtime = createWorkerRuntime({ config, logger });
    cleanups.push(() => runtime.close());
    return runtime.running.workers;
  }

  test('when a heartbeat job is enqueued, then a registry worker processes it and records the heartbeat', async () => {
    const [worker] = startRegistryWorkers();
    const producer = createProducer(housekeepingQueue, { connection: producerRedis, keyPrefix, logger });
    cleanups.push(() => producer.close());
    const completed = once(worker as Worker, 'completed');

    await producer.enqueue('heartbeat', { task: 'heartbeat' });
    await completed;

    const recorded = await producerRedis.get(workerHeartbeatKey(keyPrefix));
    expect(Date.parse(recorded ?? '')).toBeGreaterThan(Date.now() - 60_000);
    expect(await producerRedis.pttl(workerHeartbeatKey(keyPrefix))).toBeGreaterThan(0);
  });

  test('when a producer is given a payload outside the contract, then it rejects and enqueues nothing', async () => {
    const producer = createProducer(housekeepingQueue, { connection: producerRedis, keyPrefix, logger });
    cleanups.push(() => producer.close());

    await expect(producer.enqueue('bad', { task: 'drop-tables' } as never)).rejects.toThrow();

    expect(await producer.queue.getJobCounts('wait', 'delayed', 'active')).toEqual({ wait: 0, delayed: 0, active: 0 });
  });

  test('when a job with an invalid payload reaches the worker, then it fails at once without retries', async () => {
    const [worker] = startRegistryWorkers();
    const queue = new Queue(housekeepingQueue.name, {
      connection: producerRedis,
      prefix: bullPrefix(keyPrefix, producerRedis.isCluster),
    });
    cleanups.push(() => queue.close());
    const failed = once(worker as Worker, 'failed') as Promise<[Job, Error]>;

    await queue.add('forged', { task: 'heartbeat', extra: 'field' }, { attempts: 5 });
    const [job, error] = await failed;

    expect(error.name).toBe('UnrecoverableError');
    expect(job.attemptsMade).toBe(1);
    expect(await job.getState()).toBe('failed');
  });

  test('when Redis is unreachable, then a producer refuses at once instead of waiting for it', async () => {
    const dead = createFastFailRedis('redis://127.0.0.1:1', logger, { role: 'dead' });
    const producer = createProducer(housekeepingQueue, { connection: dead, keyPrefix, logger });
    cleanups.push(async () => {
      await producer.close().catch(() => undefined);
      dead.disconnect();
    });

    // UNAVAILABLE comes only from the connection check; a wait that timed out would fail differently.
    await expect(producer.enqueue('heartbeat', { task: 'heartbeat' })).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });
});

describe('shutting workers down', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  function testQueue() {
    const name = `test-${randomUUID()}`;
    const connection = createFastFailRedis(TEST_REDIS, logger, { role: 'test' });
    const prefix = bullPrefix(uniqueKeyPrefix(), connection.isCluster);
    const queue = new Queue(name, { connection, prefix });
    cleanups.push(async () => {
      await queue.obliterate({ force: true });
      await queue.close();
      connection.disconnect();
    });
    return { name, prefix, queue };
  }

  function workerFor(target: { name: string; prefix: string }, processor: (job: Job) => Promise<unknown>) {
    const connection = createWorkerRedis(TEST_REDIS, logger);
    const worker = new Worker(target.name, processor, { connection, prefix: target.prefix });
    const running = superviseWorkers([worker], logger);
    cleanups.push(async () => {
      await Promise.race([worker.close(true), Promise.resolve()]);
      connection.disconnect();
    });
    return running;
  }

  /** A processor that reports when it starts and finishes only when told to (or never). */
  function controllableProcessor() {
    let started: () => void = () => undefined;
    let finish: () => void = () => undefined;
    const hasStarted = new Promise<void>((resolve) => (started = resolve));
    const processor = () => {
      started();
      return new Promise<string>((resolve) => (finish = () => resolve('finished')));
    };
    return { processor, hasStarted, finish: () => finish() };
  }

  test('when a job is active at shutdown, then close waits for it and it completes', async () => {
    const target = testQueue();
    const control = controllableProcessor();
    const running = workerFor(target, control.processor);
    const job = await target.queue.add('slow', {});
    await control.hasStarted;

    const closing = running.close(5_000);
    control.finish();

    expect(await closing).toBe('finished');
    expect(await job.getState()).toBe('completed');
  });

  test('when a job outlives the shutdown budget, then it is released at once and another worker completes it', async () => {
    const target = testQueue();
    const stuck = controllableProcessor();
    const running = workerFor(target, stuck.processor);
    const job = await target.queue.add('long', {});
    await stuck.hasStarted;

    expect(await running.close(100)).toBe('released');
    expect(await job.getState()).toBe('waiting');

    const rescuer = workerFor(target, async () => 'rescued');
    const [completedJob] = (await once(rescuer.workers[0] as Worker, 'completed')) as [Job];
    expect(completedJob.id).toBe(job.id);
    expect(completedJob.returnvalue).toBe('rescued');
  });
});
