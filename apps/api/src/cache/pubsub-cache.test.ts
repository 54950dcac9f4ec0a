import { EventEmitter } from 'node:events';

import type { Redis } from 'ioredis';
import { describe, expect, test, vi } from 'vitest';

import { createPubSubCache, type PubSubCacheOptions } from './pubsub-cache.js';

function setup(overrides: Partial<PubSubCacheOptions<string>> = {}) {
  let clock = 1_000;
  const subscriber = Object.assign(new EventEmitter(), { subscribe: vi.fn(async () => 1) }) as unknown as Redis &
    EventEmitter;
  const redis = { publish: vi.fn(async () => 1) };
  const cache = createPubSubCache<string>({
    channel: 'gw:test',
    ttlMs: 1_000,
    maxEntries: 3,
    subscriber,
    redis,
    now: () => clock,
    ...overrides,
  });
  return { cache, subscriber, redis, advance: (ms: number) => (clock += ms) };
}

describe('pub/sub cache', () => {
  test('when several callers ask for one key while it loads, then it is read once and all get the value', async () => {
    const { cache } = setup();
    const read = vi.fn(async () => 'v');

    const values = await Promise.all([cache.get('k', read), cache.get('k', read), cache.get('k', read)]);

    expect(values).toEqual(['v', 'v', 'v']);
    expect(read).toHaveBeenCalledTimes(1);
  });

  test('when a load fails, then it is forgotten and the next read tries again', async () => {
    const { cache } = setup();
    const read = vi.fn().mockRejectedValueOnce(new Error('db down')).mockResolvedValueOnce('v');

    await expect(cache.get('k', read)).rejects.toThrow('db down');

    expect(await cache.get('k', read)).toBe('v');
    expect(read).toHaveBeenCalledTimes(2);
  });

  test('when expiry says not to cache a value, then it is read every time', async () => {
    const { cache } = setup({ expiry: (value, at) => (value === 'none' ? null : at) });
    const read = vi.fn(async () => 'none');

    await cache.get('k', read);
    await cache.get('k', read);

    expect(read).toHaveBeenCalledTimes(2);
  });

  test('when the cache is full of fresh entries, then it starts over rather than grow', async () => {
    const { cache } = setup();
    const read = vi.fn(async () => 'v');
    for (const key of ['a', 'b', 'c', 'd']) await cache.get(key, read);

    await cache.get('a', read);

    expect(read).toHaveBeenCalledTimes(5);
  });

  test('when an announcement arrives on the channel, then the key is dropped and listeners hear of it', async () => {
    const { cache, subscriber } = setup();
    const read = vi.fn(async () => 'v');
    const heard: string[] = [];
    cache.onInvalidated((key) => heard.push(key));
    await cache.get('k', read);

    subscriber.emit('message', 'other:channel', 'k');
    await cache.get('k', read);
    subscriber.emit('message', 'gw:test', 'k');
    await cache.get('k', read);

    expect(heard).toEqual(['k']);
    expect(read).toHaveBeenCalledTimes(2);
  });

  test('when a cluster node leaves (the subscription may move, losing messages), then every entry is dropped', async () => {
    const { cache, subscriber } = setup();
    const read = vi.fn(async () => 'v');
    await cache.get('a', read);
    await cache.get('b', read);

    subscriber.emit('-node', {}, '127.0.0.1:7001');
    await cache.get('a', read);
    await cache.get('b', read);

    expect(read).toHaveBeenCalledTimes(4);
  });

  test('when this instance announces a key, then it drops its copy and publishes the key on the channel', async () => {
    const { cache, redis } = setup();
    const read = vi.fn(async () => 'v');
    await cache.get('k', read);

    await cache.announce('k');
    await cache.get('k', read);

    expect(redis.publish).toHaveBeenCalledWith('gw:test', 'k');
    expect(read).toHaveBeenCalledTimes(2);
  });
});
