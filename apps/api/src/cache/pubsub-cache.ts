import type { RedisClient } from '@groundwork/queue';

type Entry<TValue> = { value: Promise<TValue>; expiresAt: number };

export type PubSubCacheOptions<TValue> = {
  /** The Redis pub/sub channel whose messages name the key that changed. */
  channel: string;
  /** How long an entry is trusted without hearing of a change: bounds staleness if a message is lost. */
  ttlMs: number;
  /** Past this many entries, expired ones are swept, and if that is not enough, all are dropped. */
  maxEntries: number;
  /** A dedicated connection in subscriber mode, shared by every cache of the process. */
  subscriber: RedisClient;
  /** The connection `announce` publishes on (not needed by a cache that only listens). */
  redis?: Pick<RedisClient, 'publish'>;
  /**
   * When a loaded value stops being trusted: given the value and the TTL's expiry, the expiry
   * to keep (e.g. earlier, when the value itself runs out), or null not to cache it at all.
   */
  expiry?: (value: TValue, expiresAt: number) => number | null;
  now?: () => number;
};

/**
 * A per-process cache of values that live elsewhere (PostgreSQL), kept honest
 * across instances by Redis pub/sub: whoever changes a value announces its key
 * on `channel`, and every instance drops its copy at once. A reconnect of the
 * subscriber drops everything (messages sent meanwhile are lost), the TTL bounds
 * a lost message, and concurrent reads of one key share a single load. A load
 * that fails is forgotten, so the next read tries again.
 *
 * @param options see {@link PubSubCacheOptions}
 */
export function createPubSubCache<TValue>(options: PubSubCacheOptions<TValue>) {
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry<TValue>>();
  const listeners = new Set<(key: string) => void>();
  let subscribedOnce = false;

  options.subscriber.on('message', (from: string, key: string) => {
    if (from !== options.channel) return;
    entries.delete(key);
    for (const listener of listeners) listener(key);
  });
  options.subscriber.on('ready', () => {
    // The first ready is the initial connection; any later one follows a gap in which messages were lost.
    if (subscribedOnce) entries.clear();
    subscribedOnce = true;
  });
  // On a cluster, losing a node may move the subscription to another one, without a new "ready".
  options.subscriber.on('-node', () => entries.clear());

  function makeRoom() {
    if (entries.size < options.maxEntries) return;
    const at = now();
    for (const [key, entry] of entries) if (entry.expiresAt <= at) entries.delete(key);
    if (entries.size >= options.maxEntries) entries.clear();
  }

  function load(key: string, read: () => Promise<TValue>): Promise<TValue> {
    makeRoom();
    const entry: Entry<TValue> = { value: read(), expiresAt: now() + options.ttlMs };
    entries.set(key, entry);
    // Only this load is forgotten or shortened: a newer one may have replaced it meanwhile.
    const forget = () => {
      if (entries.get(key) === entry) entries.delete(key);
    };
    entry.value.then((value) => {
      const expiresAt = options.expiry ? options.expiry(value, entry.expiresAt) : entry.expiresAt;
      if (expiresAt === null) forget();
      else entry.expiresAt = expiresAt;
    }, forget);
    return entry.value;
  }

  return {
    /** Subscribes to the channel; resolves once subscribed. */
    async start(): Promise<void> {
      await options.subscriber.subscribe(options.channel);
    },

    /** The cached value for `key`, or what `read` loads (once, however many callers ask meanwhile). */
    get(key: string, read: () => Promise<TValue>): Promise<TValue> {
      const entry = entries.get(key);
      if (entry && entry.expiresAt > now()) return entry.value;
      return load(key, read);
    },

    /** Drops this instance's copy only. */
    invalidate(key: string): void {
      entries.delete(key);
    },

    /**
     * Drops this instance's copy and tells every other instance to drop theirs.
     * Call after the change committed.
     *
     * @throws when Redis cannot take the message (the TTL then bounds what others see)
     */
    async announce(key: string): Promise<void> {
      entries.delete(key);
      if (!options.redis) throw new Error(`cache on ${options.channel} was built without a publishing connection`);
      await options.redis.publish(options.channel, key);
    },

    /** Called with the key whenever an announcement arrives (tests await it). */
    onInvalidated(listener: (key: string) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export type PubSubCache<TValue> = ReturnType<typeof createPubSubCache<TValue>>;
