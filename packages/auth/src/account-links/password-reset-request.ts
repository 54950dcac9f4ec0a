import type { Logger } from '@groundwork/core';
import type { PasswordResetRequestRepository } from '@groundwork/db';

import type { RequestMeta } from '../sessions/session.js';

/**
 * The API's half of a password-reset request: store it, then queue the job
 * that serves it (`createPasswordResetLinks().serve`). Nothing is looked up,
 * so both steps, the answer and its timing are the same for any address. A
 * failed enqueue (Redis down) is logged, not thrown: the stored request waits
 * for the worker's sweeper, as an outbox message does (ADR 030).
 */
export function createPasswordResetRequests(deps: {
  requests: Pick<PasswordResetRequestRepository, 'insert'>;
  /** Queues the job naming the stored request; rejects when it cannot. */
  enqueue: (resetRequestId: string, requestId: string) => Promise<unknown>;
  logger: Logger;
}) {
  return {
    async record(email: string, meta: RequestMeta): Promise<void> {
      const { id } = await deps.requests.insert({
        email,
        ip: meta.ip.slice(0, 64),
        userAgent: meta.userAgent?.slice(0, 512) ?? null,
        requestId: meta.requestId.slice(0, 128),
      });
      try {
        await deps.enqueue(id, meta.requestId.slice(0, 128));
      } catch (error) {
        deps.logger.warn(
          { err: error, resetRequestId: id, reqId: meta.requestId },
          'password-reset request not queued; the sweeper will queue it',
        );
      }
    },
  };
}

export type PasswordResetRequests = ReturnType<typeof createPasswordResetRequests>;
