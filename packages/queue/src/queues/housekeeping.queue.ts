import { z } from 'zod';

import { defineQueue } from '../define-queue.js';

/** The job (name and task) asking the worker to send a password-reset link if the address has an account. */
export const PASSWORD_RESET_REQUEST = 'password-reset-request';

/** The job id of a stored password-reset request: one job per request (custom ids may not contain ':'). */
export const passwordResetRequestJobId = (resetRequestId: string) => `password-reset-${resetRequestId}`;

/**
 * Periodic upkeep run by the worker on a schedule. `heartbeat` records that a
 * worker is alive and consuming, which neither its process nor Redis alone can show.
 * `sweep-email-outbox` re-drives e-mail the API recorded but failed to queue, and
 * `sweep-password-reset-requests` does the same for stored reset requests.
 * `password-reset-request` is one-off work moved off the request path.
 */
export const housekeepingQueue = defineQueue({
  name: 'housekeeping',
  payload: z.discriminatedUnion('task', [
    z.strictObject({ task: z.literal('heartbeat') }),
    // Queues outbox messages whose own enqueue was lost (recorded, committed, never queued).
    z.strictObject({ task: z.literal('sweep-email-outbox') }),
    // Queues stored password-reset requests whose own enqueue was lost.
    z.strictObject({ task: z.literal('sweep-password-reset-requests') }),
    // A password reset asked for by address: the worker looks the address up, so the API answers
    // every request alike whether or not it has an account. The job names the stored request (no
    // address in Redis); attempted once, and a request still stored after a failure is swept again.
    z.strictObject({
      task: z.literal(PASSWORD_RESET_REQUEST),
      resetRequestId: z.uuid(),
      requestId: z.string().max(128).optional(),
    }),
  ]),
  defaultJobOptions: { attempts: 1, removeOnComplete: { count: 100 }, removeOnFail: { count: 1_000 } },
});

export type HousekeepingPayload = z.infer<typeof housekeepingQueue.payload>;

/** The Redis key holding the last heartbeat's ISO time; it expires when workers stop. */
export const workerHeartbeatKey = (keyPrefix: string) => `${keyPrefix}:worker:heartbeat`;
