import type { Logger } from '@groundwork/core';
import { bullPrefix, type QueueName, queueDefinitions } from '@groundwork/queue';
import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';

import type { JobProcessor } from './processors.js';

/**
 * Starts one BullMQ worker per queue of the registry, each with error and
 * failure listeners attached before it can emit anything.
 */
export function startWorkers(options: {
  processors: Record<QueueName, JobProcessor>;
  connection: Redis;
  keyPrefix: string;
  concurrency: number;
  logger: Logger;
}): Worker[] {
  return Object.values(queueDefinitions).map((definition) => {
    const log = options.logger.child({ queue: definition.name });
    const worker = new Worker(definition.name, options.processors[definition.name], {
      connection: options.connection,
      prefix: bullPrefix(options.keyPrefix),
      concurrency: options.concurrency,
    });
    worker.on('error', (err) => log.error({ err }, 'worker error'));
    worker.on('failed', (job, err) => log.warn({ err, jobId: job?.id, attemptsMade: job?.attemptsMade }, 'job failed'));
    worker.on('completed', (job) => log.debug({ jobId: job.id }, 'job completed'));
    return worker;
  });
}

/**
 * Lets active jobs finish within `timeoutMs`. Past it, the workers are closed
 * by force: their unfinished jobs keep no lock and are picked up again as
 * stalled, by this or another worker, so nothing is lost.
 */
export async function closeWorkers(workers: Worker[], timeoutMs: number, logger: Logger): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const graceful = Promise.all(workers.map((worker) => worker.close())).then(() => 'finished' as const);
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const outcome = await Promise.race([graceful, deadline]);
  clearTimeout(timer);
  if (outcome === 'finished') return;
  logger.warn({ timeoutMs }, 'active jobs did not finish in time; releasing them');
  await Promise.all(workers.map((worker) => worker.close(true)));
}
