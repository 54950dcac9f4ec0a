import { entitlementsChannel, type EntitlementReader, type Entitlements } from '@groundwork/billing';
import type { Logger } from '@groundwork/core';
import type { Redis } from 'ioredis';

type Entry = { value: Promise<Entitlements>; expiresAt: number };

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
  subscriber: Redis;
  keyPrefix: string;
  logger: Logger;
  now?: () => number;
}) {
  const now = deps.now ?? Date.now;
  const entries = new Map<string, Entry>();
  const channel = entitlementsChannel(deps.keyPrefix);
  let subscribedOnce = false;

  deps.subscriber.on('message', (from: string, organizationId: string) => {
    if (from === channel) entries.delete(organizationId);
  });
  deps.subscriber.on('ready', () => {
    // Messages sent while we were disconnected are lost: start over.
    if (subscribedOnce) entries.clear();
    subscribedOnce = true;
  });

  function evictExpired() {
    const at = now();
    for (const [organizationId, entry] of entries) if (entry.expiresAt <= at) entries.delete(organizationId);
  }

  function load(organizationId: string): Entry {
    const value = deps.read(organizationId);
    const entry: Entry = { value, expiresAt: now() + deps.ttlMs };
    entries.set(organizationId, entry);
    value.then(
      (entitlements) => {
        const validUntil = entitlements.validUntil?.getTime();
        if (validUntil !== undefined && validUntil < entry.expiresAt) entry.expiresAt = validUntil;
      },
      () => {
        // Only forget this load; a newer one may have replaced it meanwhile.
        if (entries.get(organizationId) === entry) entries.delete(organizationId);
      },
    );
    return entry;
  }

  return {
    /** Subscribes to change announcements; resolves once subscribed. */
    async start(): Promise<void> {
      await deps.subscriber.subscribe(channel);
    },
    get(organizationId: string): Promise<Entitlements> {
      const entry = entries.get(organizationId);
      if (entry && entry.expiresAt > now()) return entry.value;
      if (entries.size >= MAX_ENTRIES) evictExpired();
      return load(organizationId).value;
    },
    invalidate(organizationId: string): void {
      entries.delete(organizationId);
    },
  };
}

export type EntitlementCache = ReturnType<typeof createEntitlementCache>;
