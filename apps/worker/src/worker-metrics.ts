import { Counter, createMetricsRegistry, Gauge, Histogram } from '@groundwork/core';
import type { Queue, Worker } from 'bullmq';

/**
 * What the worker exports to Prometheus: queue depth, job wait and processing
 * time, webhook inbox lag, billing drift and dead-lettered e-mail.
 */
export function createWorkerMetrics(deps: {
  /** When the oldest stored Stripe event still waiting arrived (null: none waits). */
  oldestPendingEventAt: () => Promise<Date | null>;
  workers: readonly Worker[];
  queues: readonly Queue[];
}) {
  const registry = createMetricsRegistry('worker');
  new Gauge({
    name: 'groundwork_queue_jobs',
    help: 'Jobs per queue and state',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const queue of deps.queues) {
        const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'failed');
        for (const [state, count] of Object.entries(counts)) this.set({ queue: queue.name, state }, count);
      }
    },
  });
  const jobDuration = new Histogram({
    name: 'groundwork_job_processing_seconds',
    help: 'Time from a job starting to finishing, by queue and outcome',
    labelNames: ['queue', 'outcome'] as const,
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60],
    registers: [registry],
  });
  const jobWait = new Histogram({
    name: 'groundwork_job_wait_seconds',
    help: 'Time a job waited in its queue before a worker took it',
    labelNames: ['queue'] as const,
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300],
    registers: [registry],
  });
  new Gauge({
    name: 'groundwork_stripe_inbox_lag_seconds',
    help: 'Age of the oldest stored Stripe event not yet processed (0 when none)',
    registers: [registry],
    async collect() {
      const oldest = await deps.oldestPendingEventAt();
      this.set(oldest ? (Date.now() - oldest.getTime()) / 1000 : 0);
    },
  });
  const drift = new Counter({
    name: 'groundwork_billing_drift_total',
    help: 'Local subscriptions found different from Stripe on a re-sync',
    registers: [registry],
  });

  const emailsDeadLettered = new Counter({
    name: 'groundwork_emails_dead_lettered_total',
    help: 'Outbox e-mails given up on (attempts used up or refused for good by the SMTP server)',
    registers: [registry],
  });

  for (const worker of deps.workers) {
    const observe =
      (outcome: 'completed' | 'failed') =>
      (job: { processedOn?: number; finishedOn?: number; timestamp: number } | undefined) => {
        if (!job?.processedOn) return;
        jobWait.observe({ queue: worker.name }, Math.max(0, job.processedOn - job.timestamp) / 1000);
        if (job.finishedOn)
          jobDuration.observe({ queue: worker.name, outcome }, (job.finishedOn - job.processedOn) / 1000);
      };
    worker.on('completed', observe('completed'));
    worker.on('failed', observe('failed'));
  }
  return { registry, drift, emailsDeadLettered };
}

export type WorkerMetrics = ReturnType<typeof createWorkerMetrics>;
