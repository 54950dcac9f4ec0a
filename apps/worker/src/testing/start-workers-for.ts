import type { Logger } from '@groundwork/core';
import { type QueueName, queueDefinitions, type RedisClient } from '@groundwork/queue';

import type { JobProcessor } from '../processors.js';
import { startWorkers } from '../start-workers.js';

/**
 * The product's workers, on every queue with its own settings, one job at a time, where only the
 * queues a test names do anything: every other job completes at once.
 */
export function startWorkersFor(
  processors: Partial<Record<QueueName, JobProcessor>>,
  options: { connection: RedisClient; keyPrefix: string; logger: Logger },
) {
  const idle: JobProcessor = () => Promise.resolve();
  const names = Object.keys(queueDefinitions) as QueueName[];
  return startWorkers({
    processors: Object.fromEntries(names.map((name) => [name, processors[name] ?? idle])) as Record<
      QueueName,
      JobProcessor
    >,
    concurrency: 1,
    ...options,
  });
}
