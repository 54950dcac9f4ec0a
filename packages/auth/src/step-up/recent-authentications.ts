import { AppError } from '@groundwork/core';
import type { Cluster, Redis } from 'ioredis';

import type { Clock } from '../ports.js';
import type { Session } from '../sessions/session.js';

/** The reason a client reads from the error's details to offer re-authentication. */
export const STEP_UP_REQUIRED = 'STEP_UP_REQUIRED';

/**
 * When each session last proved its user (password, with the second factor
 * when enrolled), kept in Redis per session id (ADR 026). Only the rare
 * sensitive procedures read it, so ordinary calls keep their one round trip
 * (ADR 010). A lost key only asks the user to re-authenticate: it fails closed.
 */
export function createRecentAuthentications(options: {
  redis: Redis | Cluster;
  keyPrefix: string;
  windowSeconds: number;
  clock: Clock;
}) {
  const keyFor = (sessionId: string) => `${options.keyPrefix}:{auth}:authenticated-at:${sessionId}`;

  return {
    async record(sessionId: string): Promise<void> {
      await options.redis.set(keyFor(sessionId), String(options.clock.now()), 'EX', options.windowSeconds + 60);
    },

    /**
     * @throws AppError FORBIDDEN with details `{ reason: 'STEP_UP_REQUIRED' }` when the
     * session has not authenticated within the window: call auth.reauthenticate, then retry.
     */
    async require(session: Session): Promise<void> {
      const at = Number(await options.redis.get(keyFor(session.sessionId)));
      if (at > 0 && options.clock.now() - at <= options.windowSeconds * 1000) return;
      throw new AppError('FORBIDDEN', 'This action needs a recent sign-in; re-authenticate and retry', {
        details: { reason: STEP_UP_REQUIRED, windowSeconds: options.windowSeconds },
      });
    },

    async forget(sessionId: string): Promise<void> {
      await options.redis.del(keyFor(sessionId));
    },
  };
}

export type RecentAuthentications = ReturnType<typeof createRecentAuthentications>;
