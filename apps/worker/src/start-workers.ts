import { type Logger, withTimeout } from '@groundwork/core';
import { bullPrefix, type QueueName, queueDefinitions } from '@groundwork/queue';
import { type Job, Worker } from 'bullmq';
import type { RedisClient } from '@groundwork/queue';

import type { JobProcessor } from './processors.js';

export type RunningWorkers = {
  readonly workers: readonly Worker[];
  /**
   * Stops taking jobs and lets active ones finish within `timeoutMs`. Jobs
   * still running then are released (moved back to waiting, lock dropped) so
   * another worker takes them at once instead of after stall detection.
   */
  close: (timeoutMs: number) => Promise<'finished' | 'released'>;
};

/**
 * Keeps the jobs each worker is running, so shutdown knows what to release.
 * Listeners are attached before the worker can emit anything.
 */
/** Called when a job will not be tried again (attempts used up, or an UnrecoverableError). */
export type FinalFailureHooks = Partial<Record<QueueName, (job: Job, error: Error) => Promise<void>>>;

function isFinal(job: Job, error: Error): boolean {
  return error.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1);
}

export function superviseWorkers(workers: Worker[], logger: Logger, hooks: FinalFailureHooks = {}): RunningWorkers {
  const active = new Set<Job>();
  for (const worker of workers) {
    const log = logger.child({ queue: worker.name });
    worker.on('error', (err) => log.error({ err }, 'worker error'));
    worker.on('active', (job) => active.add(job));
    worker.on('completed', (job) => {
      active.delete(job);
      log.debug({ jobId: job.id }, 'job completed');
    });
    worker.on('failed', (job, err) => {
      if (job) active.delete(job);
      log.warn({ err, jobId: job?.id, attemptsMade: job?.attemptsMade }, 'job failed');
      // Also covers failures the processor never saw (a job stalled too often after crashes).
      const hook = hooks[worker.name as QueueName];
      if (job && hook && isFinal(job, err)) {
        hook(job, err).catch((hookError: unknown) =>
          log.error({ err: hookError, jobId: job.id }, 'final-failure hook failed'),
        );
      }
    });
  }

  async function close(timeoutMs: number): Promise<'finished' | 'released'> {
    let timer: NodeJS.Timeout | undefined;
    const finished = Promise.all(workers.map((worker) => worker.close())).then(
      () => 'finished' as const,
      (err: unknown) => {
        logger.error({ err }, 'closing workers failed');
        return 'timeout' as const;
      },
    );
    const deadline = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const outcome = await Promise.race([finished, deadline]);
    clearTimeout(timer);
    if (outcome === 'finished') return outcome;
    const unfinished = [...active];
    logger.warn({ timeoutMs, jobIds: unfinished.map((job) => job.id) }, 'releasing jobs that did not finish in time');
    // Bounded: with Redis down the worker connection would wait forever; the lock then expires instead.
    await Promise.allSettled(unfinished.map((job) => withTimeout(job.moveToWait(job.token), 1_000, 'release job')));
    return 'released';
  }

  return { workers, close };
}

/** Starts one BullMQ worker per queue of the registry. */
export function startWorkers(options: {
  processors: Record<QueueName, JobProcessor>;
  connection: RedisClient;
  keyPrefix: string;
  concurrency: number;
  logger: Logger;
  onFinalFailure?: FinalFailureHooks;
}): RunningWorkers {
  const workers = Object.values(queueDefinitions).map(
    (definition) =>
      new Worker(definition.name, options.processors[definition.name], {
        connection: options.connection,
        prefix: bullPrefix(options.keyPrefix, options.connection.isCluster),
        concurrency: options.concurrency,
        ...definition.stall,
      }),
  );
  return superviseWorkers(workers, options.logger, options.onFinalFailure);
}
