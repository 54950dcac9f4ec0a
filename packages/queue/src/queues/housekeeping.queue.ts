import { z } from 'zod';

import { defineQueue } from '../define-queue.js';

/**
 * Periodic upkeep run by the worker on a schedule. `heartbeat` records that a
 * worker is alive and consuming, which neither its process nor Redis alone can show.
 * `sweep-email-outbox` re-drives e-mail the API recorded but failed to queue.
 */
export const housekeepingQueue = defineQueue({
  name: 'housekeeping',
  payload: z.discriminatedUnion('task', [
    z.strictObject({ task: z.literal('heartbeat') }),
    // Queues outbox messages whose own enqueue was lost (recorded, committed, never queued).
    z.strictObject({ task: z.literal('sweep-email-outbox') }),
  ]),
  defaultJobOptions: { attempts: 1, removeOnComplete: { count: 100 }, removeOnFail: { count: 1_000 } },
});

export type HousekeepingPayload = z.infer<typeof housekeepingQueue.payload>;

/** The Redis key holding the last heartbeat's ISO time; it expires when workers stop. */
export const workerHeartbeatKey = (keyPrefix: string) => `${keyPrefix}:worker:heartbeat`;
