import type { Logger } from '@groundwork/core';
import type { Role } from '@groundwork/db';
import type { Redis } from 'ioredis';

type Entry = { role: Promise<Role | undefined>; expiresAt: number };

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
 *
 * The same shape fits any per-user fact the hot path needs (e.g. a user's
 * `tokens_valid_after`): key it by user id and announce changes on a channel.
 */
export function createMembershipCache(deps: {
  read: (organizationId: string, userId: string) => Promise<Role | undefined>;
  ttlMs: number;
  redis: Redis;
  subscriber: Redis;
  keyPrefix: string;
  logger: Logger;
  now?: () => number;
}) {
  const now = deps.now ?? Date.now;
  const entries = new Map<string, Entry>();
  const channel = membershipsChannel(deps.keyPrefix);
  const listeners = new Set<(key: string) => void>();
  let subscribedOnce = false;

  deps.subscriber.on('message', (from: string, key: string) => {
    if (from !== channel) return;
    entries.delete(key);
    for (const listener of listeners) listener(key);
  });
  deps.subscriber.on('ready', () => {
    if (subscribedOnce) entries.clear(); // messages sent while disconnected are lost
    subscribedOnce = true;
  });

  function evictExpired() {
    const at = now();
    for (const [key, entry] of entries) if (entry.expiresAt <= at) entries.delete(key);
  }

  return {
    async start(): Promise<void> {
      await deps.subscriber.subscribe(channel);
    },

    role(organizationId: string, userId: string): Promise<Role | undefined> {
      const key = `${organizationId}:${userId}`;
      const cached = entries.get(key);
      if (cached && cached.expiresAt > now()) return cached.role;
      if (entries.size >= MAX_ENTRIES) evictExpired();
      const entry: Entry = { role: deps.read(organizationId, userId), expiresAt: now() + deps.ttlMs };
      entries.set(key, entry);
      entry.role.then(
        (role) => {
          if (role === undefined && entries.get(key) === entry) entries.delete(key);
        },
        () => {
          if (entries.get(key) === entry) entries.delete(key);
        },
      );
      return entry.role;
    },

    /**
     * Tells every instance (this one included) that the membership changed. Call after the
     * change committed; if Redis cannot take the message, the TTL bounds how long others see the old role.
     */
    async announce(organizationId: string, userId: string): Promise<void> {
      const key = `${organizationId}:${userId}`;
      entries.delete(key);
      try {
        await deps.redis.publish(channel, key);
      } catch (err) {
        deps.logger.error(
          { err, organizationId, userId },
          'membership change not announced; other instances catch up within the TTL',
        );
      }
    },

    /** Called with `organizationId:userId` whenever an announcement arrives (tests await it). */
    onInvalidated(listener: (key: string) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export type MembershipCache = ReturnType<typeof createMembershipCache>;
