import type { Logger } from '@groundwork/core';
import type { UsableApiKey } from '@groundwork/db';
import type { RedisClient } from '@groundwork/queue';

import { createPubSubCache } from '../../cache/pubsub-cache.js';

const MAX_ENTRIES = 100_000;

/** The channel on which every instance hears that a key was revoked or rotated (message: its hash, hex). */
export const apiKeysChannel = (keyPrefix: string) => `${keyPrefix}:api-keys:changed`;

/**
 * Key records by hash, cached in this process so a key-authenticated call
 * costs no database query. Unknown hashes are cached too (as null), so
 * repeating a made-up key costs one query per TTL, not one per call. A revoke
 * or rotation is announced on Redis pub/sub and every instance drops the
 * entry at once; the TTL bounds staleness if a message is lost.
 */
export function createApiKeyCache(deps: {
  read: (keyHash: Buffer) => Promise<UsableApiKey | undefined>;
  ttlMs: number;
  redis: RedisClient;
  subscriber: RedisClient;
  keyPrefix: string;
  logger: Logger;
}) {
  const cache = createPubSubCache<UsableApiKey | null>({
    channel: apiKeysChannel(deps.keyPrefix),
    ttlMs: deps.ttlMs,
    maxEntries: MAX_ENTRIES,
    subscriber: deps.subscriber,
    redis: deps.redis,
  });

  return {
    start: () => cache.start(),

    get: (keyHash: Buffer): Promise<UsableApiKey | null> =>
      cache.get(keyHash.toString('hex'), async () => (await deps.read(keyHash)) ?? null),

    /**
     * Tells every instance (this one included) to drop the key. Call after the change committed;
     * if Redis cannot take the message, the TTL bounds how long other instances accept the key.
     */
    async announce(keyHash: Buffer): Promise<void> {
      try {
        await cache.announce(keyHash.toString('hex'));
      } catch (err) {
        deps.logger.error({ err }, 'API key change not announced; other instances catch up within the TTL');
      }
    },

    /** Called with the hash (hex) whenever an announcement arrives (tests await it). */
    onInvalidated: (listener: (keyHashHex: string) => void): (() => void) => cache.onInvalidated(listener),
  };
}

export type ApiKeyCache = ReturnType<typeof createApiKeyCache>;
