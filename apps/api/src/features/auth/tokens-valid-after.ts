import type { Logger } from '@groundwork/core';
import type { UserRepository } from '@groundwork/db';
import type { Redis } from 'ioredis';

/** Same tolerance as the token verifier's: an API clock a little behind PostgreSQL's must not refuse fresh tokens. */
const CLOCK_TOLERANCE_SECONDS = 5;
const MAX_ENTRIES = 100_000;

type Entry = { value: Promise<number>; expiresAt: number };

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
  redis: Redis;
  subscriber: Redis;
  keyPrefix: string;
  ttlMs: number;
  logger: Logger;
  now?: () => number;
}) {
  const now = deps.now ?? Date.now;
  const entries = new Map<string, Entry>();
  const channel = tokensVoidedChannel(deps.keyPrefix);
  let subscribedOnce = false;

  deps.subscriber.on('message', (from: string, userId: string) => {
    if (from === channel) entries.delete(userId);
  });
  deps.subscriber.on('ready', () => {
    if (subscribedOnce) entries.clear();
    subscribedOnce = true;
  });

  function load(userId: string): Promise<number> {
    // A user who no longer exists has no valid token.
    const value = deps.users.findTokensValidAfter(userId).then((at) => at?.getTime() ?? Number.POSITIVE_INFINITY);
    const entry: Entry = { value, expiresAt: now() + deps.ttlMs };
    if (entries.size >= MAX_ENTRIES) entries.clear();
    entries.set(userId, entry);
    value.catch(() => {
      if (entries.get(userId) === entry) entries.delete(userId);
    });
    return value;
  }

  return {
    async start(): Promise<void> {
      await deps.subscriber.subscribe(channel);
    },

    /** True when the token was issued before the user voided their tokens. */
    async isVoided(userId: string, issuedAtSeconds: number): Promise<boolean> {
      const entry = entries.get(userId);
      const validAfterMs = await (entry && entry.expiresAt > now() ? entry.value : load(userId));
      return issuedAtSeconds < Math.floor(validAfterMs / 1000) - CLOCK_TOLERANCE_SECONDS;
    },

    /** Call after `tokens_valid_after` moved in the database. */
    async announce(userId: string): Promise<void> {
      entries.delete(userId);
      try {
        await deps.redis.publish(channel, userId);
      } catch (err) {
        // Other instances still drop it within ttlMs, and the user's sessions are revoked meanwhile.
        deps.logger.error({ err, userId }, 'could not announce voided tokens');
      }
    },
  };
}

export type TokensValidAfter = ReturnType<typeof createTokensValidAfter>;
