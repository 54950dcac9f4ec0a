import { EventEmitter } from 'node:events';

import { createLogger } from '@groundwork/core';
import type { Redis } from 'ioredis';
import { describe, expect, test, vi } from 'vitest';

import { createTokensValidAfter, tokensVoidedChannel } from './tokens-valid-after.js';

const logger = createLogger({ service: 'test', level: 'silent' });
const at = (iso: string) => new Date(iso);
const seconds = (iso: string) => Math.floor(at(iso).getTime() / 1000);

function setup(validAfter: Date | undefined) {
  const findTokensValidAfter = vi.fn((_userId: string) => Promise.resolve(validAfter));
  const subscriber = new EventEmitter();
  const redis = { publish: vi.fn(() => Promise.resolve(1)) };
  const tokens = createTokensValidAfter({
    users: { findTokensValidAfter },
    redis: redis as unknown as Redis,
    subscriber: subscriber as unknown as Redis,
    keyPrefix: 'gw',
    ttlMs: 60_000,
    logger,
  });
  return { tokens, findTokensValidAfter, subscriber, redis };
}

describe('createTokensValidAfter', () => {
  test('when a token was issued before the user voided their tokens, then it is voided, and one issued after is not', async () => {
    const { tokens } = setup(at('2026-12-01T10:00:00.700Z'));

    expect(await tokens.isVoided('u1', seconds('2026-12-01T09:59:00Z'))).toBe(true);
    expect(await tokens.isVoided('u1', seconds('2026-12-01T10:00:00Z'))).toBe(false);
  });

  test('when the same user is checked again, then the database is not asked again (the gated call runs no SQL)', async () => {
    const { tokens, findTokensValidAfter } = setup(at('2026-12-01T10:00:00Z'));

    await tokens.isVoided('u1', seconds('2026-12-01T11:00:00Z'));
    await tokens.isVoided('u1', seconds('2026-12-01T11:00:00Z'));

    expect(findTokensValidAfter).toHaveBeenCalledTimes(1);
  });

  test('when another instance announces a change, or the subscriber reconnects, then the cached instant is read again', async () => {
    const { tokens, findTokensValidAfter, subscriber } = setup(at('2026-12-01T10:00:00Z'));
    await tokens.isVoided('u1', 0);

    subscriber.emit('message', tokensVoidedChannel('gw'), 'u1');
    await tokens.isVoided('u1', 0);
    subscriber.emit('ready');
    subscriber.emit('ready'); // the first ready is the initial connection
    await tokens.isVoided('u1', 0);

    expect(findTokensValidAfter).toHaveBeenCalledTimes(3);
  });

  test('when the user no longer exists, then every token is voided', async () => {
    const { tokens } = setup(undefined);

    expect(await tokens.isVoided('gone', seconds('2030-01-01T00:00:00Z'))).toBe(true);
  });

  test('when this instance voids a user, then it forgets its copy and announces the change', async () => {
    const { tokens, findTokensValidAfter, redis } = setup(at('2026-12-01T10:00:00Z'));
    await tokens.isVoided('u1', 0);

    await tokens.announce('u1');
    await tokens.isVoided('u1', 0);

    expect(redis.publish).toHaveBeenCalledWith(tokensVoidedChannel('gw'), 'u1');
    expect(findTokensValidAfter).toHaveBeenCalledTimes(2);
  });
});
