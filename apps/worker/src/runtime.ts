import type { AddressInfo } from 'node:net';

import { createPasswordResetLinks } from '@groundwork/auth';
import { createBillingFromSettings } from '@groundwork/billing';
import type { Config } from '@groundwork/config';
import { createShutdown, type Logger, metricsAccess, type ShutdownStep } from '@groundwork/core';
import { createDb, createUnitOfWork } from '@groundwork/db';
import {
  createEmailDelivery,
  createEmailOutbox,
  createSmtpTransport,
  EMAIL_DELIVERY_DISABLED_WARNING,
} from '@groundwork/email';
import {
  billingQueue,
  closeRedis,
  createFastFailRedis,
  createProducer,
  createWorkerRedis,
  EMAIL_JOB_NAME,
  emailsQueue,
  housekeepingQueue,
  organizationDeletionJobId,
  PASSWORD_RESET_REQUEST,
  passwordResetRequestJobId,
  stripeEventsQueue,
} from '@groundwork/queue';

import { createHealthServer } from './health-server.js';
import { createEventSweep, createOrganizationDeletionSweep } from './jobs/billing.job.js';
import { createEmailDeadLetter, createEmailOutboxSweep } from './jobs/email.job.js';
import { createPasswordResetRequestSweep } from './jobs/password-reset-request.job.js';
import { createStripeEventDeadLetter } from './jobs/stripe-event.job.js';
import { createProcessors } from './processors.js';
import { keepSchedules } from './schedules.js';
import { startWorkers } from './start-workers.js';
import { createStripeEventEnqueuer } from './stripe-event-queue.js';
import { createWorkerMetrics } from './worker-metrics.js';
import { createWorkerReadiness } from './worker-readiness.js';

type RuntimeOptions = { config: Config; logger: Logger; applicationName?: string };

/**
 * The connections and the billing domain, without consuming any queue: what
 * the worker runtime is built on, and all a one-off billing command needs.
 */
export function createBillingDependencies(options: RuntimeOptions) {
  const { config, logger } = options;
  const db = createDb({ ...config.db, applicationName: options.applicationName ?? 'groundwork-worker', logger });
  const redis = createFastFailRedis(config.redis, logger, { role: 'worker-producer' });
  const billing = createBillingFromSettings(config.billing, { db, redis, keyPrefix: config.redis.keyPrefix, logger });
  return {
    db,
    redis,
    billing,
    /** For a command that built only these: the worker runtime closes them in its own steps. */
    async close() {
      await closeRedis(redis, 1_000);
      await db.destroy();
    },
  };
}

/**
 * The worker process, wired once for `main.ts`, the tests and the CLI:
 * connections, producers, billing, one BullMQ worker per queue (consuming
 * from now on), the schedule keeper, metrics, readiness and the health
 * server. The server is built but listens only when `listen` is called, and
 * no signal is handled here.
 */
export function createWorkerRuntime(options: RuntimeOptions) {
  const { config, logger } = options;
  const keyPrefix = config.redis.keyPrefix;
  const { db, redis, billing } = createBillingDependencies(options);
  const workerRedis = createWorkerRedis(config.redis, logger);
  const producerOptions = { connection: redis, keyPrefix, logger };
  const producers = {
    housekeeping: createProducer(housekeepingQueue, producerOptions),
    billing: createProducer(billingQueue, producerOptions),
    stripeEvents: createProducer(stripeEventsQueue, producerOptions),
    emails: createProducer(emailsQueue, producerOptions),
  };
  const enqueueEvent = createStripeEventEnqueuer(producers.stripeEvents);
  const requeueOrganizationDeletion = (deletionId: string) =>
    producers.billing.requeue(
      'delete-organization',
      { task: 'delete-organization', deletionId },
      organizationDeletionJobId(deletionId),
    );

  const uow = createUnitOfWork(db);
  const outbox = uow.repositories.outboundEmails;
  // The worker's side of password reset: the lookup and the link, off the API's request path.
  const passwordResetLinks = createPasswordResetLinks({
    uow,
    outbox: createEmailOutbox({
      dispatch: async (emailId) =>
        void (await producers.emails.enqueue(EMAIL_JOB_NAME, { emailId }, { jobId: emailId })),
      logger,
    }),
    settings: config.links,
  });
  // E-mail off (EMAIL_DELIVERY=disabled): no SMTP connection at all; recorded messages are dead-lettered unsent.
  const smtp = config.email.enabled ? createSmtpTransport(config.email.smtp) : null;
  if (!smtp) logger.warn({ emailDelivery: 'disabled' }, EMAIL_DELIVERY_DISABLED_WARNING);
  const deliverEmail = smtp
    ? createEmailDelivery({
        emails: outbox,
        transport: smtp,
        from: config.email.from,
        leaseMs: config.email.sendLeaseMs,
        logger,
      })
    : null;
  const sweepPasswordResetRequests = createPasswordResetRequestSweep({
    requests: uow.repositories.passwordResetRequests,
    requeue: (resetRequestId) =>
      producers.housekeeping.requeue(
        PASSWORD_RESET_REQUEST,
        { task: PASSWORD_RESET_REQUEST, resetRequestId },
        passwordResetRequestJobId(resetRequestId),
      ),
  });
  const sweepEmailOutbox = createEmailOutboxSweep({
    emails: outbox,
    requeue: (emailId) => producers.emails.requeue(EMAIL_JOB_NAME, { emailId }, emailId),
  });

  const running = startWorkers({
    processors: createProcessors({
      housekeeping: {
        redis,
        keyPrefix,
        heartbeatIntervalMs: config.worker.heartbeatIntervalMs,
        sweepEmailOutbox: () => sweepEmailOutbox({ graceMs: config.email.outboxSweepGraceMs }),
        // The outbox's grace: a request younger than that is left to its own enqueue.
        sweepPasswordResetRequests: () => sweepPasswordResetRequests({ graceMs: config.email.outboxSweepGraceMs }),
        servePasswordResetRequest: (resetRequestId) => passwordResetLinks.serve(resetRequestId),
      },
      billing: {
        billing,
        enqueueEvent,
        requeueOrganizationDeletion,
        logger,
        onDrift: (count) => metrics.drift.inc(count),
        sweepGraceMs: config.billing.eventSweepGraceMs,
      },
      emails: { deliver: deliverEmail, emails: outbox, logger },
    }),
    connection: workerRedis,
    keyPrefix,
    concurrency: config.worker.concurrency,
    logger,
    onFinalFailure: {
      'stripe-events': createStripeEventDeadLetter({ billing, logger }),
      emails: createEmailDeadLetter({ emails: outbox, logger, onDeadLetter: () => metrics.emailsDeadLettered.inc() }),
    },
  });
  const metrics = createWorkerMetrics({
    oldestPendingEventAt: billing.oldestPendingEventAt,
    workers: running.workers,
    queues: Object.values(producers).map((producer) => producer.queue),
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

  // Redis may still be coming up: the keeper retries in the background; the workers themselves wait for it.
  const sweepEvents = createEventSweep({ billing, enqueueEvent });
  const sweepOrganizationDeletions = createOrganizationDeletionSweep({ billing, requeueOrganizationDeletion });
  const schedules = keepSchedules({
    producers: { housekeeping: producers.housekeeping, billing: producers.billing },
    intervals: {
      heartbeatIntervalMs: config.worker.heartbeatIntervalMs,
      eventSweepIntervalMs: config.billing.eventSweepIntervalMs,
      resyncIntervalMs: config.billing.resyncIntervalMs,
      emailOutboxSweepIntervalMs: config.email.outboxSweepIntervalMs,
    },
    connection: workerRedis,
    checkIntervalMs: config.worker.scheduleCheckIntervalMs,
    retryDelayMs: 5_000,
    // Jobs vanished with Redis's data: queue every stored but unprocessed event, deletion, e-mail and reset request
    // now, without the grace.
    onDataLoss: async () => {
      await sweepEvents({ graceMs: 0, limit: 10_000 });
      await sweepOrganizationDeletions({ graceMs: 0, limit: 10_000 });
      await sweepEmailOutbox({ graceMs: 0, limit: 10_000 });
      await sweepPasswordResetRequests({ graceMs: 0, limit: 10_000 });
    },
    logger,
  });

  /**
   * What shutdown runs, in order: stop taking jobs (releasing unfinished ones),
   * then producers, SMTP, Redis, PostgreSQL, then `extra` (tracing, say), and the
   * health server last, so /ready answers "draining" until the end.
   */
  function closeSteps(extra: ShutdownStep[] = []): ShutdownStep[] {
    return [
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
        run: () => Promise.all(Object.values(producers).map((producer) => producer.close())),
        timeoutMs: 1_000,
      },
      // After the workers: no delivery is using the pooled SMTP connections any more.
      { name: 'smtp', run: () => Promise.resolve(smtp?.close()) },
      { name: 'redis', run: () => Promise.all([closeRedis(workerRedis, 1_000), closeRedis(redis, 1_000)]) },
      { name: 'postgres', run: () => db.destroy() },
      ...extra,
      {
        name: 'health',
        run: () => new Promise((resolve) => (healthServer.listening ? healthServer.close(resolve) : resolve(null))),
      },
    ];
  }

  return {
    db,
    redis,
    billing,
    producers,
    enqueueEvent,
    sweepEmailOutbox,
    requeueOrganizationDeletion,
    running,
    metrics,
    schedules,
    healthServer,
    closeSteps,
    /** Starts serving /health, /ready and /metrics (port 0: any free one). */
    listen(port = config.worker.healthPort, host = config.http.host): Promise<AddressInfo> {
      return new Promise((resolve, reject) => {
        healthServer.once('error', reject);
        healthServer.listen(port, host, () => {
          healthServer.off('error', reject);
          resolve(healthServer.address() as AddressInfo);
        });
      });
    },
    /** Runs the close steps within the shutdown budget (for tests and commands; `main.ts` wires signals). */
    close(reason = 'closed by its owner'): Promise<void> {
      return createShutdown({ logger, timeoutMs: config.shutdown.timeoutMs, steps: closeSteps() }).run(reason);
    },
  };
}

export type WorkerRuntime = ReturnType<typeof createWorkerRuntime>;
