import { z } from 'zod';

import { defineQueue } from '../define-queue.js';

/** The job (name and task) asking the worker to send a password-reset link if the address has an account. */
export const PASSWORD_RESET_REQUEST = 'password-reset-request';

/**
 * Periodic upkeep run by the worker on a schedule. `heartbeat` records that a
 * worker is alive and consuming, which neither its process nor Redis alone can show.
 * `sweep-email-outbox` re-drives e-mail the API recorded but failed to queue.
 * `password-reset-request` is one-off work moved off the request path.
 */
export const housekeepingQueue = defineQueue({
  name: 'housekeeping',
  payload: z.discriminatedUnion('task', [
    z.strictObject({ task: z.literal('heartbeat') }),
    // Queues outbox messages whose own enqueue was lost (recorded, committed, never queued).
    z.strictObject({ task: z.literal('sweep-email-outbox') }),
    // A password reset asked for by address: the worker looks the address up, so the API answers
    // every request alike whether or not it has an account. Attempted once; the user can ask again.
    z.strictObject({
      task: z.literal(PASSWORD_RESET_REQUEST),
      email: z.string().max(254),
      ip: z.string().max(64),
      userAgent: z.string().max(512).optional(),
      requestId: z.string().max(128).optional(),
    }),
  ]),
  defaultJobOptions: { attempts: 1, removeOnComplete: { count: 100 }, removeOnFail: { count: 1_000 } },
});

export type HousekeepingPayload = z.infer<typeof housekeepingQueue.payload>;

/** The Redis key holding the last heartbeat's ISO time; it expires when workers stop. */
export const workerHeartbeatKey = (keyPrefix: string) => `${keyPrefix}:worker:heartbeat`;
