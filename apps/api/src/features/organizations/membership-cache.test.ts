import { EventEmitter } from 'node:events';

import { createLogger } from '@groundwork/core';
import type { Redis } from 'ioredis';
import { describe, expect, test, vi } from 'vitest';

import { createMembershipCache, membershipsChannel } from './membership-cache.js';

function setup() {
  let now = 1_000;
  const subscriber = Object.assign(new EventEmitter(), { subscribe: vi.fn() }) as unknown as Redis;
  const read = vi.fn(() => Promise.resolve<'admin' | undefined>('admin'));
  const cache = createMembershipCache({
    read,
    ttlMs: 30_000,
    redis: { publish: vi.fn(() => Promise.reject(new Error('redis down'))) } as unknown as Redis,
    subscriber,
    keyPrefix: 'p',
    logger: createLogger({ service: 't', level: 'silent' }),
    now: () => now,
  });
  return { cache, read, subscriber, advance: (ms: number) => (now += ms) };
}

describe('membership cache', () => {
  test('when the same member calls again within the TTL, then the database is read once', async () => {
    const { cache, read } = setup();

    await cache.role('o', 'u');
    await cache.role('o', 'u');

    expect(read).toHaveBeenCalledTimes(1);
  });

  test('when an announcement is lost, then the role is read again once the TTL has passed', async () => {
    const { cache, read, advance } = setup();
    await cache.role('o', 'u');

    advance(30_001);
    await cache.role('o', 'u');

    expect(read).toHaveBeenCalledTimes(2);
  });

  test('when a change is announced, then the entry is dropped before the TTL', async () => {
    const { cache, read, subscriber } = setup();
    await cache.role('o', 'u');

    (subscriber as unknown as EventEmitter).emit('message', membershipsChannel('p'), 'o:u');
    await cache.role('o', 'u');

    expect(read).toHaveBeenCalledTimes(2);
  });

  test('when the subscriber reconnects, then everything cached is dropped (messages may have been missed)', async () => {
    const { cache, read, subscriber } = setup();
    (subscriber as unknown as EventEmitter).emit('ready');
    await cache.role('o', 'u');

    (subscriber as unknown as EventEmitter).emit('ready');
    await cache.role('o', 'u');

    expect(read).toHaveBeenCalledTimes(2);
  });

  test('when someone is not a member, then that is not cached (adding them needs no announcement)', async () => {
    const { cache, read } = setup();
    read.mockResolvedValue(undefined);

    await cache.role('o', 'u');
    await cache.role('o', 'u');

    expect(read).toHaveBeenCalledTimes(2);
  });
});
