import { EventEmitter } from 'node:events';

import type { Entitlements } from '@groundwork/billing';
import { createLogger } from '@groundwork/core';
import type { Redis } from 'ioredis';
import { describe, expect, test } from 'vitest';

import { createEntitlementCache } from './entitlement-cache.js';

const logger = createLogger({ service: 'test', level: 'silent' });

/** Stands in for the subscriber connection: the cache only listens to its events. */
function fakeSubscriber() {
  const emitter = new EventEmitter();
  return Object.assign(emitter, { subscribe: async () => 1 }) as unknown as Redis & EventEmitter;
}

function entitlements(plan: 'free' | 'pro', validUntil: Date | null = null): Entitlements {
  return {
    plan,
    subscribedPlan: null,
    status: 'none',
    reason: 'no_subscription',
    features: {} as never,
    limits: {} as never,
    validUntil,
  };
}

describe('entitlement cache', () => {
  function setup(validUntil: Date | null = null) {
    let clock = 1_000_000;
    let reads = 0;
    let plan: 'free' | 'pro' = 'free';
    const subscriber = fakeSubscriber();
    const cache = createEntitlementCache({
      read: async () => {
        reads += 1;
        return entitlements(plan, validUntil);
      },
      ttlMs: 60_000,
      subscriber,
      keyPrefix: 'gw',
      logger,
      now: () => clock,
    });
    return {
      cache,
      subscriber,
      reads: () => reads,
      setPlan: (next: 'free' | 'pro') => (plan = next),
      advance: (ms: number) => (clock += ms),
    };
  }

  test('when asked twice within the TTL, then the database is read once', async () => {
    const { cache, reads } = setup();

    await cache.get('org-1');
    await cache.get('org-1');

    expect(reads()).toBe(1);
  });

  test('when the worker announces a change for the organization, then the next read sees it', async () => {
    const { cache, subscriber, setPlan } = setup();
    expect((await cache.get('org-1')).plan).toBe('free');
    setPlan('pro');

    subscriber.emit('message', 'gw:billing:entitlements-changed', 'org-1');

    expect((await cache.get('org-1')).plan).toBe('pro');
  });

  test('when a message is for another channel or organization, then the entry stays', async () => {
    const { cache, subscriber, reads } = setup();
    await cache.get('org-1');

    subscriber.emit('message', 'someone-else', 'org-1');
    subscriber.emit('message', 'gw:billing:entitlements-changed', 'org-2');
    await cache.get('org-1');

    expect(reads()).toBe(1);
  });

  test('when the TTL passes, or the decision itself expires earlier (end of a canceled period), then it is read again', async () => {
    const early = setup(new Date(1_000_000 + 5_000));
    await early.cache.get('org-1');
    early.advance(5_001);
    await early.cache.get('org-1');
    expect(early.reads()).toBe(2);

    const plain = setup();
    await plain.cache.get('org-1');
    plain.advance(59_999);
    await plain.cache.get('org-1');
    plain.advance(2);
    await plain.cache.get('org-1');
    expect(plain.reads()).toBe(2);
  });

  test('when the subscriber reconnects (messages may have been lost), then everything is read again', async () => {
    const { cache, subscriber, reads } = setup();
    subscriber.emit('ready');
    await cache.get('org-1');

    subscriber.emit('ready');
    await cache.get('org-1');

    expect(reads()).toBe(2);
  });
});
