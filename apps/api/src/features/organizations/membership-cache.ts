import type { Logger } from '@groundwork/core';
import type { Role } from '@groundwork/db';
import type { RedisClient } from '@groundwork/queue';

import { createPubSubCache } from '../../cache/pubsub-cache.js';

const MAX_ENTRIES = 100_000;

/** The channel on which every instance hears that a membership changed (message: `organizationId:userId`). */
export const membershipsChannel = (keyPrefix: string) => `${keyPrefix}:organizations:membership-changed`;

/**
 * Roles per (organization, user), cached in this process so an organization
 * procedure costs no database query. A removal or role change is announced
 * on Redis pub/sub and every instance drops the entry at once; a short TTL
 * bounds staleness if a message is ever lost, and a reconnect clears all.
 * Only memberships are cached: a non-member is asked about every time, so
 * adding a member needs no announcement to take effect.
 */
export function createMembershipCache(deps: {
  read: (organizationId: string, userId: string) => Promise<Role | undefined>;
  ttlMs: number;
  redis: RedisClient;
  subscriber: RedisClient;
  keyPrefix: string;
  logger: Logger;
  now?: () => number;
}) {
  const cache = createPubSubCache<Role | undefined>({
    channel: membershipsChannel(deps.keyPrefix),
    ttlMs: deps.ttlMs,
    maxEntries: MAX_ENTRIES,
    subscriber: deps.subscriber,
    redis: deps.redis,
    expiry: (role, expiresAt) => (role === undefined ? null : expiresAt),
    ...(deps.now ? { now: deps.now } : {}),
  });

  return {
    start: () => cache.start(),

    role: (organizationId: string, userId: string): Promise<Role | undefined> =>
      cache.get(`${organizationId}:${userId}`, () => deps.read(organizationId, userId)),

    /**
     * Tells every instance (this one included) that the membership changed. Call after the
     * change committed; if Redis cannot take the message, the TTL bounds how long others see the old role.
     */
    async announce(organizationId: string, userId: string): Promise<void> {
      try {
        await cache.announce(`${organizationId}:${userId}`);
      } catch (err) {
        deps.logger.error(
          { err, organizationId, userId },
          'membership change not announced; other instances catch up within the TTL',
        );
      }
    },

    /** Called with `organizationId:userId` whenever an announcement arrives (tests await it). */
    onInvalidated: (listener: (key: string) => void): (() => void) => cache.onInvalidated(listener),
  };
}

export type MembershipCache = ReturnType<typeof createMembershipCache>;
