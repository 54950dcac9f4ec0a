import type { Logger } from '@groundwork/core';
import type { UserRepository } from '@groundwork/db';
import type { RedisClient } from '@groundwork/queue';

import { createPubSubCache } from '../../cache/pubsub-cache.js';

/** Same tolerance as the token verifier's: an API clock a little behind PostgreSQL's must not refuse fresh tokens. */
const CLOCK_TOLERANCE_SECONDS = 5;
const MAX_ENTRIES = 100_000;

/** The pub/sub channel on which instances announce that a user's `tokens_valid_after` moved. */
export const tokensVoidedChannel = (keyPrefix: string) => `${keyPrefix}:auth:tokens-voided`;

/**
 * Refuses access tokens issued before the user's `tokens_valid_after`
 * (logout-all, password change), which lives in PostgreSQL and so survives
 * whatever Redis loses. Each instance caches the instant per user, so a
 * steady-state call runs no SQL; a change is announced on pub/sub and every
 * instance forgets the user at once, a reconnect of the subscriber forgets
 * everyone (announcements may have been missed), and `ttlMs` bounds a lost one.
 *
 * Second granularity with a small tolerance: a token issued up to a few
 * seconds before the change passes this check, but its session was revoked
 * in the same operation, which {@link createSessionRevocations} refuses.
 */
export function createTokensValidAfter(deps: {
  users: Pick<UserRepository, 'findTokensValidAfter'>;
  redis: RedisClient;
  subscriber: RedisClient;
  keyPrefix: string;
  ttlMs: number;
  logger: Logger;
  now?: () => number;
}) {
  const cache = createPubSubCache<number>({
    channel: tokensVoidedChannel(deps.keyPrefix),
    ttlMs: deps.ttlMs,
    maxEntries: MAX_ENTRIES,
    subscriber: deps.subscriber,
    redis: deps.redis,
    ...(deps.now ? { now: deps.now } : {}),
  });

  // A user who no longer exists has no valid token.
  const read = (userId: string) =>
    deps.users.findTokensValidAfter(userId).then((at) => at?.getTime() ?? Number.POSITIVE_INFINITY);

  return {
    start: (): Promise<void> => cache.start(),

    /** True when the token was issued before the user voided their tokens. */
    async isVoided(userId: string, issuedAtSeconds: number): Promise<boolean> {
      const validAfterMs = await cache.get(userId, () => read(userId));
      return issuedAtSeconds < Math.floor(validAfterMs / 1000) - CLOCK_TOLERANCE_SECONDS;
    },

    /** Call after `tokens_valid_after` moved in the database. */
    async announce(userId: string): Promise<void> {
      try {
        await cache.announce(userId);
      } catch (err) {
        // Other instances still drop it within ttlMs, and the user's sessions are revoked meanwhile.
        deps.logger.error({ err, userId }, 'could not announce voided tokens');
      }
    },
  };
}

export type TokensValidAfter = ReturnType<typeof createTokensValidAfter>;
