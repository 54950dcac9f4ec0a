import type { Logger } from '@groundwork/core';
import type { RefreshTokenRepository } from '@groundwork/db';
import type { Redis } from 'ioredis';

/**
 * Makes revocation reach access tokens before they expire. The database
 * (refresh_tokens.revoked_at) is the truth; Redis holds a short-lived marker
 * per revoked session id, living as long as any access token of that session
 * can, so the per-request check is one EXISTS. When Redis cannot answer, the
 * check asks the database instead.
 */
export function createSessionRevocations(options: {
  redis: Redis;
  keyPrefix: string;
  accessTokenTtlSeconds: number;
  refreshTokens: Pick<RefreshTokenRepository, 'isFamilyRevoked'>;
  logger: Logger;
}) {
  const keyFor = (sessionId: string) => `${options.keyPrefix}:auth:revoked-sid:${sessionId}`;
  // Markers that could not be written yet; published again as soon as Redis is back.
  const pending = new Set<string>();
  const MAX_PENDING = 100_000;

  async function publish(sessionIds: readonly string[]): Promise<void> {
    const pipeline = options.redis.pipeline();
    for (const sessionId of sessionIds) pipeline.set(keyFor(sessionId), '1', 'EX', ttlSeconds);
    const results = await pipeline.exec();
    const failed = results?.find(([error]) => error);
    if (failed?.[0]) throw failed[0];
  }

  options.redis.on('ready', () => {
    if (pending.size === 0) return;
    const retry = [...pending];
    publish(retry)
      .then(() => retry.forEach((sessionId) => pending.delete(sessionId)))
      .catch((err: unknown) => options.logger.error({ err }, 'republishing session revocations failed'));
  });
  // A little longer than the token lifetime, so clock skew between instances cannot reopen a window.
  const ttlSeconds = options.accessTokenTtlSeconds + 60;

  return {
    /** Call after the database revocation committed. */
    async markRevoked(sessionIds: readonly string[]): Promise<void> {
      if (sessionIds.length === 0) return;
      try {
        await publish(sessionIds);
      } catch (err) {
        // The sessions are revoked in the database, which answers the check while Redis is down;
        // the markers follow as soon as Redis is back (or the next write succeeds).
        for (const sessionId of sessionIds) if (pending.size < MAX_PENDING) pending.add(sessionId);
        options.logger.error({ err, sessionIds }, 'could not publish session revocation to redis; will retry');
      }
    },

    /** The Redis key of a session's marker (read together with the rate limit, see request-admission). */
    markerKey: keyFor,

    /**
     * The verdict given what the marker said in the request's one Redis round trip:
     * a marker not yet written (Redis was down at revocation) still counts.
     */
    isRevokedGiven(sessionId: string, markerExists: boolean): boolean {
      return markerExists || pending.has(sessionId);
    },

    async isRevoked(sessionId: string): Promise<boolean> {
      if (pending.has(sessionId)) return true;
      if (options.redis.status === 'ready') {
        try {
          return (await options.redis.exists(keyFor(sessionId))) === 1;
        } catch (err) {
          options.logger.warn({ err }, 'revocation check fell back to the database');
        }
      }
      return options.refreshTokens.isFamilyRevoked(sessionId);
    },
  };
}

export type SessionRevocations = ReturnType<typeof createSessionRevocations>;
