import { backoffRetry, type Logger } from '@groundwork/core';
import type { RefreshTokenRepository } from '@groundwork/db';
import type { Cluster, Redis } from 'ioredis';

/**
 * Makes revocation reach access tokens before they expire. The database
 * (refresh_tokens.revoked_at) is the truth; Redis holds a short-lived marker
 * per revoked session id, living as long as any access token of that session
 * can, so the per-request check is one MGET.
 *
 * A missing marker only means "not revoked" if Redis can have kept it: beside
 * the markers lives a "since" key, written once when absent. A Redis that lost
 * its data (restart without persistence, failover to an empty replica, flush)
 * lost that key too, so the check finds it missing or younger than a token's
 * lifetime, and asks the database until every token that a lost marker could
 * have covered has expired (ADR 012). When Redis cannot answer at all, the
 * database answers too. Both keys share a hash tag, so the MGET stays in one
 * slot on a Redis Cluster.
 */
export function createSessionRevocations(options: {
  redis: Redis | Cluster;
  keyPrefix: string;
  accessTokenTtlSeconds: number;
  refreshTokens: Pick<RefreshTokenRepository, 'isFamilyRevoked'>;
  logger: Logger;
  now?: () => number;
}) {
  const now = options.now ?? Date.now;
  const keyFor = (sessionId: string) => `${options.keyPrefix}:{auth}:revoked-sid:${sessionId}`;
  const sinceKey = `${options.keyPrefix}:{auth}:revocations-since`;
  // Markers that could not be written yet; published again as soon as Redis is back.
  const pending = new Set<string>();
  const MAX_PENDING = 100_000;
  // A little longer than the token lifetime, so clock skew between instances cannot reopen a window.
  const ttlSeconds = options.accessTokenTtlSeconds + 60;
  const completeAfterMs = ttlSeconds * 1000;

  async function publish(sessionIds: readonly string[]): Promise<void> {
    const pipeline = options.redis.pipeline();
    for (const sessionId of sessionIds) pipeline.set(keyFor(sessionId), '1', 'EX', ttlSeconds);
    const results = await pipeline.exec();
    const failed = results?.find(([error]) => error);
    if (failed?.[0]) throw failed[0];
  }

  // A write can fail on a connection that stays up (a demoted master's READONLY, NOREPLICAS, OOM), so
  // pending markers are retried on a timer (1 s, doubling to 30 s) as well as on reconnect; until then
  // only this instance refuses those sessions, others trust the missing marker.
  const republish = backoffRetry({
    hasWork: () => pending.size > 0,
    async attempt() {
      const retry = [...pending];
      await publish(retry);
      retry.forEach((sessionId) => pending.delete(sessionId));
    },
    onFailure: (err) => options.logger.error({ err }, 'republishing session revocations failed'),
  });
  options.redis.on('ready', () => void republish.now());

  /** What Redis says given a marker and the "since" key, or null when it cannot vouch for a missing marker. */
  function judge(markerExists: boolean, since: string | null): boolean | null {
    if (markerExists) return true;
    if (since !== null && now() - Number(since) >= completeAfterMs) return false;
    if (since === null) {
      // NX: of several instances noticing at once, the first one's time stands.
      options.redis.set(sinceKey, String(now()), 'NX').catch((err: unknown) => {
        options.logger.warn({ err }, 'could not record when revocation markers start');
      });
      options.logger.warn('revocation markers may be incomplete (redis lost its data?): asking the database');
    }
    return null;
  }

  async function askRedis(sessionId: string): Promise<boolean | null> {
    const [marker, since] = await options.redis.mget(keyFor(sessionId), sinceKey);
    return judge(marker !== null, since ?? null);
  }

  return {
    /** Call after the database revocation committed. */
    async markRevoked(sessionIds: readonly string[]): Promise<void> {
      if (sessionIds.length === 0) return;
      try {
        await publish(sessionIds);
      } catch (err) {
        // The sessions are revoked in the database, and this instance refuses them meanwhile (pending);
        // the markers follow as soon as Redis takes them (retried on a timer and on reconnect).
        for (const sessionId of sessionIds) if (pending.size < MAX_PENDING) pending.add(sessionId);
        options.logger.error({ err, sessionIds }, 'could not publish session revocation to redis; will retry');
        republish.later();
      }
    },

    /** The Redis keys the request's one round trip reads (with the rate limit, see request-admission). */
    keysFor: (sessionId: string): [marker: string, since: string] => [keyFor(sessionId), sinceKey],

    /**
     * The verdict given what the request's one Redis round trip read (null: it could not):
     * a marker not yet written (Redis was down at revocation) still counts, and a missing
     * marker counts as "not revoked" only where Redis can have kept it, else the database answers.
     */
    async isRevokedGiven(sessionId: string, read: { markerExists: boolean; since: string | null } | null) {
      if (pending.has(sessionId)) return true;
      const answer = read ? judge(read.markerExists, read.since) : null;
      return answer ?? options.refreshTokens.isFamilyRevoked(sessionId);
    },

    async isRevoked(sessionId: string): Promise<boolean> {
      if (pending.has(sessionId)) return true;
      if (options.redis.status === 'ready') {
        try {
          const answer = await askRedis(sessionId);
          if (answer !== null) return answer;
        } catch (err) {
          options.logger.warn({ err }, 'revocation check fell back to the database');
        }
      }
      return options.refreshTokens.isFamilyRevoked(sessionId);
    },
  };
}

export type SessionRevocations = ReturnType<typeof createSessionRevocations>;
