import { type JobsOptions, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { z } from 'zod';

import { withTimeout } from '@groundwork/core';

import { bullPrefix } from './connections.js';
import type { QueueDefinition } from './define-queue.js';

export type Producer<TDefinition extends QueueDefinition> = {
  readonly queue: Queue;
  /** Validates the payload against the contract, then adds the job; rejects at once if Redis is down. */
  enqueue: (jobName: string, payload: z.input<TDefinition['payload']>, options?: JobsOptions) => Promise<string>;
  close: () => Promise<void>;
};

/**
 * A producer for one queue on a fast-fail connection.
 *
 * @param options.connection a client from `createFastFailRedis` (shared by all producers of a process)
 * @param options.enqueueTimeoutMs how long `enqueue` may wait for Redis before rejecting (default 2 s)
 */
export function createProducer<TDefinition extends QueueDefinition>(
  definition: TDefinition,
  options: { connection: Redis; keyPrefix: string; logger: Logger; enqueueTimeoutMs?: number },
): Producer<TDefinition> {
  const queue = new Queue(definition.name, {
    connection: options.connection,
    prefix: bullPrefix(options.keyPrefix),
    defaultJobOptions: definition.defaultJobOptions,
  });
  queue.on('error', (err) => options.logger.warn({ err, queue: definition.name }, 'queue error'));
  return {
    queue,
    async enqueue(jobName, payload, jobOptions) {
      const data: unknown = definition.payload.parse(payload);
      // Until the first connection is made BullMQ waits for it rather than failing; the bound keeps "fail fast" true then too.
      const job = await withTimeout(
        queue.add(jobName, data, jobOptions),
        options.enqueueTimeoutMs ?? 2_000,
        `enqueue on ${definition.name}`,
      );
      return job.id ?? '';
    },
    close: () => queue.close(),
  };
}
