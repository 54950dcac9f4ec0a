import { entitlementsChannel, type EntitlementReader, type Entitlements } from '@groundwork/billing';
import type { Logger } from '@groundwork/core';
import type { RedisClient } from '@groundwork/queue';

import { createPubSubCache } from '../../cache/pubsub-cache.js';

/** Past this many cached organizations, expired entries are swept before adding more. */
const MAX_ENTRIES = 50_000;

/**
 * Entitlements per organization, cached in this process so a gated call costs
 * no database query. The worker announces every change on Redis pub/sub and
 * all instances drop the entry at once; a short TTL (and the decision's own
 * `validUntil`, e.g. the end of a canceled period) bounds staleness if a
 * message is ever lost, and a reconnect clears everything.
 */
export function createEntitlementCache(deps: {
  read: EntitlementReader;
  ttlMs: number;
  subscriber: RedisClient;
  keyPrefix: string;
  logger: Logger;
  now?: () => number;
}) {
  const cache = createPubSubCache<Entitlements>({
    channel: entitlementsChannel(deps.keyPrefix),
    ttlMs: deps.ttlMs,
    maxEntries: MAX_ENTRIES,
    subscriber: deps.subscriber,
    expiry: (entitlements, expiresAt) => Math.min(expiresAt, entitlements.validUntil?.getTime() ?? expiresAt),
    ...(deps.now ? { now: deps.now } : {}),
  });

  return {
    /** Subscribes to change announcements; resolves once subscribed. */
    start: () => cache.start(),
    get: (organizationId: string): Promise<Entitlements> => cache.get(organizationId, () => deps.read(organizationId)),
    invalidate: (organizationId: string): void => cache.invalidate(organizationId),
  };
}

export type EntitlementCache = ReturnType<typeof createEntitlementCache>;
