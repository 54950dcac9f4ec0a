import type { RedisClient } from '@groundwork/queue';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

import type { Logger } from '@groundwork/core';

import { clientKey } from './client-key.js';

/**
 * The default per-IP limit (rate-limiter-flexible's fixed window on the same
 * key, so both count together), the session's revocation marker and the time
 * since which markers are complete (ADR 012), in one script: one Redis round
 * trip per HTTP request, however many calls a batch holds.
 */
const ADMIT = `
redis.call('set', KEYS[1], 0, 'EX', ARGV[2], 'NX')
local consumed = redis.call('incrby', KEYS[1], ARGV[1])
local ttl = redis.call('pttl', KEYS[1])
if ttl == -1 then redis.call('expire', KEYS[1], ARGV[2]); ttl = 1000 * ARGV[2] end
local marker = 0
local since = false
if KEYS[2] then marker = redis.call('exists', KEYS[2]); since = redis.call('get', KEYS[3]) end
return {consumed, ttl, marker, since}`;

export type Admission = {
  /** How many calls of this request the limit lets through (the rest are refused). */
  allowedCalls: number;
  /** When the window resets, for Retry-After. */
  msBeforeNext: number;
  /** What Redis said of the session's revocation; null: no session asked about, or Redis could not answer. */
  revocation: { markerExists: boolean; since: string | null } | null;
};

/**
 * Counts a request's calls against the default limit and, for a signed-in
 * caller, reads the session's revocation keys, in one round trip. When Redis
 * cannot answer, an in-memory limiter counts in this process and the
 * revocation is left to the database (`revocation: null`).
 */
export function createRequestAdmission(options: {
  redis: RedisClient;
  keyPrefix: string;
  limit: { points: number; durationSeconds: number };
  revocationKeys: (sessionId: string) => [marker: string, since: string];
  logger: Logger;
}) {
  const { redis, limit } = options;
  const limiterPrefix = `${options.keyPrefix}:rl:default`;
  // defineCommand: EVALSHA, with the script loaded on first use or after a Redis restart.
  redis.defineCommand('groundworkAdmit', { lua: ADMIT });
  type AdmitCommand = (
    keyCount: number,
    ...keysAndArgs: (string | number)[]
  ) => Promise<[number, number, number, string | null]>;
  const admitScript = (redis as unknown as { groundworkAdmit: AdmitCommand }).groundworkAdmit.bind(redis);
  /**
   * On a cluster the client's address and the session live in different slots
   * (ADR 027): the limit's script and the revocation MGET (its keys share a
   * hash tag) go out together, to their own masters, still one round-trip time.
   */
  async function admitAcrossSlots(limitKey: string, revocationKeys: string[], calls: number) {
    const [[consumed, ttl], read] = await Promise.all([
      admitScript(1, limitKey, calls, limit.durationSeconds),
      revocationKeys.length > 0 ? redis.mget(...revocationKeys) : Promise.resolve([null, null]),
    ]);
    const [marker = null, since = null] = read;
    return [consumed, ttl, marker === null ? 0 : 1, since] as const;
  }

  const insurance = new RateLimiterMemory({
    points: limit.points,
    duration: limit.durationSeconds,
    keyPrefix: limiterPrefix,
  });

  const fromConsumed = (consumed: number, calls: number, msBeforeNext: number) => ({
    allowedCalls: Math.max(0, Math.min(calls, limit.points - (consumed - calls))),
    msBeforeNext: Math.max(0, msBeforeNext),
  });

  async function inMemory(key: string, calls: number): Promise<Admission> {
    try {
      const result = await insurance.consume(key, calls);
      return { ...fromConsumed(result.consumedPoints, calls, result.msBeforeNext), revocation: null };
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      return { ...fromConsumed(rejection.consumedPoints, calls, rejection.msBeforeNext), revocation: null };
    }
  }

  return {
    /** `apiKeyId`: a key-authenticated request counts against its key's own limit, not its IP's. */
    async admit(request: {
      ip: string;
      calls: number;
      sessionId: string | null;
      apiKeyId?: string | null;
    }): Promise<Admission> {
      const key = request.apiKeyId ? `key:${request.apiKeyId}` : clientKey(request.ip);
      const calls = Math.max(1, request.calls);
      if (redis.status !== 'ready') return inMemory(key, calls);
      const limitKey = `${limiterPrefix}:${key}`;
      const revocationKeys = request.sessionId ? options.revocationKeys(request.sessionId) : [];
      try {
        const [consumed, ttl, marker, since] = redis.isCluster
          ? await admitAcrossSlots(limitKey, revocationKeys, calls)
          : await admitScript(1 + revocationKeys.length, limitKey, ...revocationKeys, calls, limit.durationSeconds);
        return {
          ...fromConsumed(consumed, calls, ttl),
          revocation: request.sessionId ? { markerExists: marker === 1, since: since ?? null } : null,
        };
      } catch (err) {
        options.logger.warn({ err }, 'request admission fell back to this process and the database');
        return inMemory(key, calls);
      }
    },
  };
}

export type RequestAdmission = ReturnType<typeof createRequestAdmission>;
