import { type JobsOptions, Queue } from 'bullmq';
import type { Logger } from 'pino';
import type { z } from 'zod';

import { AppError } from '@groundwork/core';

import { bullPrefix, type RedisClient } from './connections.js';
import type { QueueDefinition } from './define-queue.js';

export type Producer<TDefinition extends QueueDefinition> = {
  readonly queue: Queue;
  /** Validates the payload against the contract, then adds the job; rejects at once if Redis is down. */
  enqueue: (jobName: string, payload: z.input<TDefinition['payload']>, options?: JobsOptions) => Promise<string>;
  /**
   * Validates every payload, then adds all the jobs in one pipeline (one round
   * trip; on a cluster the queue's keys share one hash tag, so one slot).
   * Rejects if any job was not added; those that were stay (re-adding one
   * under its `jobId` is a no-op, so the caller may simply retry them all).
   */
  enqueueBulk: (
    jobs: readonly { name: string; payload: z.input<TDefinition['payload']>; options?: JobsOptions }[],
  ) => Promise<void>;
  /**
   * Adds the job under `jobId`, or re-drives the job already there: BullMQ
   * silently ignores an add whose id it still holds, so a failed job is
   * retried and a completed one replaced; a waiting or active one is left alone.
   * For jobs whose truth lives elsewhere (a row still marked pending).
   */
  requeue: (jobName: string, payload: z.input<TDefinition['payload']>, jobId: string) => Promise<void>;
  close: () => Promise<void>;
};

/**
 * A producer for one queue on a fast-fail connection.
 *
 * @param options.connection a client from `createFastFailRedis` (shared by all producers of a process)
 */
export function createProducer<TDefinition extends QueueDefinition>(
  definition: TDefinition,
  options: { connection: RedisClient; keyPrefix: string; logger: Logger },
): Producer<TDefinition> {
  const queue = new Queue(definition.name, {
    connection: options.connection,
    prefix: bullPrefix(options.keyPrefix, options.connection.isCluster),
    defaultJobOptions: definition.defaultJobOptions,
  });
  queue.on('error', (err) => options.logger.warn({ err, queue: definition.name }, 'queue error'));
  // BullMQ would wait for a connection that is not ready (even with the offline queue off),
  // and a caller that gave up would later see the job appear anyway. Refuse instead.
  const requireReady = () => {
    if (options.connection.status !== 'ready') {
      throw new AppError(
        'UNAVAILABLE',
        `Redis is not connected (${options.connection.status}); ${definition.name} job not enqueued`,
      );
    }
  };
  const enqueue: Producer<TDefinition>['enqueue'] = async (jobName, payload, jobOptions) => {
    const data: unknown = definition.payload.parse(payload);
    requireReady();
    const job = await queue.add(jobName, data, jobOptions);
    return job.id ?? '';
  };
  return {
    queue,
    enqueue,
    async enqueueBulk(jobs) {
      if (jobs.length === 0) return;
      const validated = jobs.map((job) => ({
        name: job.name,
        data: definition.payload.parse(job.payload),
        ...(job.options ? { opts: job.options } : {}),
      }));
      requireReady();
      await queue.addBulk(validated);
    },
    async requeue(jobName, payload, jobId) {
      const existing = await queue.getJob(jobId);
      if (existing) {
        const state = await existing.getState();
        if (state === 'failed') {
          await existing.retry('failed');
          return;
        }
        if (state !== 'completed') return;
        await existing.remove();
      }
      await enqueue(jobName, payload, { jobId });
    },
    close: () => queue.close(),
  };
}
