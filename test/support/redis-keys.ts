import { Redis } from 'ioredis';

import { TEST_REDIS_URL } from './test-env.js';

/**
 * Removes every key matching each `prefix*` (SCAN, never KEYS: the Redis may
 * be a developer's, shared with other runs) and returns the keys it removed.
 */
export async function removeKeysWithPrefixes(prefixes: string[]): Promise<string[]> {
  if (prefixes.length === 0) return [];
  const redis = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  const removed: string[] = [];
  try {
    for (const prefix of prefixes) {
      for await (const keys of redis.scanStream({ match: `${prefix}*`, count: 1_000 }) as AsyncIterable<string[]>) {
        if (keys.length === 0) continue;
        await redis.unlink(...keys);
        removed.push(...keys);
      }
    }
  } finally {
    redis.disconnect();
  }
  return removed;
}
