import type { HousekeepingPayload } from '@groundwork/queue';
import { workerHeartbeatKey } from '@groundwork/queue';
import type { RedisClient } from '@groundwork/queue';

export type HousekeepingDeps = {
  redis: RedisClient;
  keyPrefix: string;
  heartbeatIntervalMs: number;
  /** Queues outbox e-mail whose enqueue was lost; resolves with how many (see `createEmailOutboxSweep`). */
  sweepEmailOutbox: () => Promise<number>;
  /** Queues stored password-reset requests whose enqueue was lost; resolves with how many. */
  sweepPasswordResetRequests: () => Promise<number>;
  /** Serves a stored reset request: a link if the address has an account (`createPasswordResetLinks().serve`). */
  servePasswordResetRequest: (resetRequestId: string) => Promise<{ served: boolean }>;
  now?: () => Date;
};

/** Handles scheduled upkeep tasks. Each task is idempotent: running it twice changes nothing more. */
export function createHousekeepingHandler(deps: HousekeepingDeps) {
  const now = deps.now ?? (() => new Date());
  return async function handleHousekeeping(payload: HousekeepingPayload) {
    switch (payload.task) {
      case 'heartbeat': {
        const at = now().toISOString();
        // Expires after three missed beats, so a stale value means no worker is consuming.
        const ttlMs = deps.heartbeatIntervalMs * 3;
        await deps.redis.set(workerHeartbeatKey(deps.keyPrefix), at, 'PX', ttlMs);
        return { task: payload.task, at };
      }
      case 'sweep-email-outbox': {
        return { task: payload.task, enqueued: await deps.sweepEmailOutbox() };
      }
      case 'sweep-password-reset-requests': {
        return { task: payload.task, enqueued: await deps.sweepPasswordResetRequests() };
      }
      case 'password-reset-request': {
        // Whether a link went out stays in the audit trail and the outbox, not in the job's result.
        return { task: payload.task, ...(await deps.servePasswordResetRequest(payload.resetRequestId)) };
      }
    }
  };
}
