import type { AddressInfo } from 'node:net';

import { createBillingFromSettings } from '@groundwork/billing';
import { loadConfigOrExit } from '@groundwork/config';
import { createLogger, createShutdown, exitOnSignals, startTracing, metricsAccess } from '@groundwork/core';
import { createDb } from '@groundwork/db';
import {
  closeRedis,
  createFastFailRedis,
  createProducer,
  createWorkerRedis,
  billingQueue,
  housekeepingQueue,
  stripeEventsQueue,
} from '@groundwork/queue';

import { createHealthServer } from './health-server.js';
import { createEventSweep } from './jobs/billing.job.js';
import { createStripeEventDeadLetter } from './jobs/stripe-event.job.js';
import { createProcessors } from './processors.js';
import { keepSchedules } from './schedules.js';
import { startWorkers } from './start-workers.js';
import { createStripeEventEnqueuer } from './stripe-event-queue.js';
import { createWorkerMetrics } from './worker-metrics.js';
import { createWorkerReadiness } from './worker-readiness.js';

const config = loadConfigOrExit();
const tracing = startTracing({ service: 'groundwork-worker', ...config.tracing });
const logger = createLogger({ service: 'worker', ...config.log });

const db = createDb({ ...config.db, applicationName: 'groundwork-worker', logger });
const workerRedis = createWorkerRedis(config.redis.url, logger);
const redis = createFastFailRedis(config.redis.url, logger, 'worker-producer');
const producerOptions = { connection: redis, keyPrefix: config.redis.keyPrefix, logger };
const housekeeping = createProducer(housekeepingQueue, producerOptions);
const billingJobs = createProducer(billingQueue, producerOptions);
const stripeEvents = createProducer(stripeEventsQueue, producerOptions);
const billing = createBillingFromSettings({
  settings: config.billing,
  db,
  redis,
  keyPrefix: config.redis.keyPrefix,
  logger,
});

const enqueueEvent = createStripeEventEnqueuer(stripeEvents);
const running = startWorkers({
  processors: createProcessors({
    housekeeping: { redis, keyPrefix: config.redis.keyPrefix, heartbeatIntervalMs: config.worker.heartbeatIntervalMs },
    billing: {
      billing,
      enqueueEvent,
      logger,
      onDrift: (count) => metrics.drift.inc(count),
      sweepGraceMs: config.billing.eventSweepGraceMs,
    },
  }),
  connection: workerRedis,
  keyPrefix: config.redis.keyPrefix,
  concurrency: config.worker.concurrency,
  logger,
  onFinalFailure: { 'stripe-events': createStripeEventDeadLetter({ billing, logger }) },
});

const metrics = createWorkerMetrics({
  oldestPendingEventAt: billing.oldestPendingEventAt,
  workers: running.workers,
  queues: [housekeeping.queue, billingJobs.queue, stripeEvents.queue],
});
let draining = false;
const readiness = createWorkerReadiness({ config, db, redis, billing, logger });
const healthServer = createHealthServer({
  metrics: { registry: metrics.registry, access: metricsAccess(config.metrics.token) },
  ...readiness,
  timeoutMs: config.health.checkTimeoutMs,
  logger,
  isDraining: () => draining,
});

const shutdown = createShutdown({
  logger,
  timeoutMs: config.shutdown.timeoutMs,
  steps: [
    {
      name: 'workers',
      run: () => {
        draining = true;
        schedules.stop();
        readiness.background.stop();
        return running.close(Math.floor(config.shutdown.timeoutMs * 0.8));
      },
    },
    {
      name: 'producers',
      run: () => Promise.all([housekeeping.close(), billingJobs.close(), stripeEvents.close()]),
      timeoutMs: 1_000,
    },
    { name: 'redis', run: () => Promise.all([closeRedis(workerRedis, 1_000), closeRedis(redis, 1_000)]) },
    { name: 'postgres', run: () => db.destroy() },
    { name: 'tracing', run: () => tracing.shutdown(), timeoutMs: 2_000 },
    { name: 'health', run: () => new Promise((resolve) => healthServer.close(resolve)) },
  ],
});
exitOnSignals(shutdown, logger);

// Redis may still be coming up: the keeper retries in the background; the workers themselves wait for it.
const sweepEvents = createEventSweep({ billing, enqueueEvent });
const schedules = keepSchedules({
  producers: { housekeeping, billing: billingJobs },
  intervals: {
    heartbeatIntervalMs: config.worker.heartbeatIntervalMs,
    eventSweepIntervalMs: config.billing.eventSweepIntervalMs,
    resyncIntervalMs: config.billing.resyncIntervalMs,
  },
  connection: workerRedis,
  checkIntervalMs: config.worker.scheduleCheckIntervalMs,
  retryDelayMs: 5_000,
  // Jobs vanished with Redis's data: queue every stored but unprocessed event now, without the grace.
  onDataLoss: async () => {
    await sweepEvents({ graceMs: 0, limit: 10_000 });
  },
  logger,
});
healthServer.on('error', (err) => {
  logger.fatal({ err, port: config.worker.healthPort }, 'health server failed');
  void shutdown.run('health server failed').finally(() => process.exit(1));
});
healthServer.listen(config.worker.healthPort, config.http.host, () => {
  const { port } = healthServer.address() as AddressInfo;
  logger.info({ queues: running.workers.map((worker) => worker.name), healthPort: port }, 'worker started');
});
