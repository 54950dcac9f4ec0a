import { bullPrefix, type RedisClient } from '@groundwork/queue';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { connectTestRedis, keysWithPrefix, removeKeysWithPrefixes } from './redis-keys.js';
import { uniqueKeyPrefix } from './test-env.js';

/**
 * The suite's key clean-up, on whichever Redis TEST_REDIS_MODE names: on a
 * cluster the keys of one prefix sit on every master, BullMQ's under a hash tag.
 */
describe('removing a test prefix’s Redis keys', () => {
  let redis: RedisClient;
  beforeAll(async () => {
    redis = await connectTestRedis();
  });
  afterAll(() => {
    redis.disconnect();
  });

  test('when keys of a prefix are spread over many slots and BullMQ’s are hash-tagged, then every one is found and removed, and another prefix’s keys stay', async () => {
    const [prefix, other] = [uniqueKeyPrefix(), uniqueKeyPrefix()];
    const clustered = redis.isCluster;
    // Thirty hash tags: on three masters, all in one would be a 1-in-3^29 chance.
    const own = Array.from({ length: 30 }, (_, index) => `${prefix}:{slot-${index}}:key`);
    const queued = [`${bullPrefix(prefix, clustered)}:emails:meta`, `${bullPrefix(prefix, clustered)}:emails:wait`];
    const kept = `${other}:{slot-0}:key`;
    await Promise.all([...own, ...queued, kept].map((key) => redis.set(key, '1')));

    const removed = await removeKeysWithPrefixes([prefix]);

    expect(removed.sort()).toEqual([...own, ...queued].sort());
    expect(await keysWithPrefix(redis, prefix)).toEqual([]);
    expect(await redis.get(kept)).toBe('1');
  });
});
