import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

import type { Logger } from '@groundwork/core';

import { clientKey } from './client-key.js';

/**
 * The default per-IP limit (rate-limiter-flexible's fixed window on the same
 * key, so both count together) and the session's revocation marker, in one
 * script: one Redis round trip per HTTP request, however many calls a batch holds.
 */
const ADMIT = `
redis.call('set', KEYS[1], 0, 'EX', ARGV[2], 'NX')
local consumed = redis.call('incrby', KEYS[1], ARGV[1])
local ttl = redis.call('pttl', KEYS[1])
if ttl == -1 then redis.call('expire', KEYS[1], ARGV[2]); ttl = 1000 * ARGV[2] end
local revoked = 0
if KEYS[2] then revoked = redis.call('exists', KEYS[2]) end
return {consumed, ttl, revoked}`;

export type Admission = {
  /** How many calls of this request the limit lets through (the rest are refused). */
  allowedCalls: number;
  /** When the window resets, for Retry-After. */
  msBeforeNext: number;
  /** Null: no session asked about. */
  revoked: boolean | null;
};

/**
 * Counts a request's calls against the default limit and, for a signed-in
 * caller, reads the session's revocation marker, in one round trip. When
 * Redis cannot answer, an in-memory limiter counts in this process and
 * `isRevokedFallback` (the database) answers for the session.
 */
export function createRequestAdmission(options: {
  redis: Redis;
  keyPrefix: string;
  limit: { points: number; durationSeconds: number };
  revocationKey: (sessionId: string) => string;
  isRevokedFallback: (sessionId: string) => Promise<boolean>;
  logger: Logger;
}) {
  const { redis, limit } = options;
  const limiterPrefix = `${options.keyPrefix}:rl:default`;
  // defineCommand: EVALSHA, with the script loaded on first use or after a Redis restart.
  redis.defineCommand('groundworkAdmit', { lua: ADMIT });
  type AdmitCommand = (keyCount: number, ...keysAndArgs: (string | number)[]) => Promise<[number, number, number]>;
  const admitScript = (redis as unknown as { groundworkAdmit: AdmitCommand }).groundworkAdmit.bind(redis);
  const insurance = new RateLimiterMemory({
    points: limit.points,
    duration: limit.durationSeconds,
    keyPrefix: limiterPrefix,
  });

  const fromConsumed = (consumed: number, calls: number, msBeforeNext: number) => ({
    allowedCalls: Math.max(0, Math.min(calls, limit.points - (consumed - calls))),
    msBeforeNext: Math.max(0, msBeforeNext),
  });

  async function inMemory(key: string, calls: number, sessionId: string | null): Promise<Admission> {
    const revoked = sessionId ? await options.isRevokedFallback(sessionId) : null;
    try {
      const result = await insurance.consume(key, calls);
      return { ...fromConsumed(result.consumedPoints, calls, result.msBeforeNext), revoked };
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      return { ...fromConsumed(rejection.consumedPoints, calls, rejection.msBeforeNext), revoked };
    }
  }

  return {
    async admit(request: { ip: string; calls: number; sessionId: string | null }): Promise<Admission> {
      const key = clientKey(request.ip);
      const calls = Math.max(1, request.calls);
      if (redis.status !== 'ready') return inMemory(key, calls, request.sessionId);
      const keys = [
        `${limiterPrefix}:${key}`,
        ...(request.sessionId ? [options.revocationKey(request.sessionId)] : []),
      ];
      try {
        const [consumed, ttl, revoked] = await admitScript(keys.length, ...keys, calls, limit.durationSeconds);
        return { ...fromConsumed(consumed, calls, ttl), revoked: request.sessionId ? revoked === 1 : null };
      } catch (err) {
        options.logger.warn({ err }, 'request admission fell back to this process and the database');
        return inMemory(key, calls, request.sessionId);
      }
    },
  };
}

export type RequestAdmission = ReturnType<typeof createRequestAdmission>;
