import type { RedisClient } from '@groundwork/queue';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

import { AppError } from '@groundwork/core';

export type LimiterSettings = { points: number; durationSeconds: number; blockSeconds?: number };

/**
 * A Redis-backed limiter shared by every API instance, with an in-memory
 * twin that takes over in this process when Redis fails or is not connected,
 * so protection degrades to per-process instead of disappearing.
 */
export function createLimiter(redis: RedisClient, keyPrefix: string, settings: LimiterSettings): RateLimiterRedis {
  const base = {
    points: settings.points,
    duration: settings.durationSeconds,
    blockDuration: settings.blockSeconds ?? 0,
  };
  return new RateLimiterRedis({
    ...base,
    storeClient: redis,
    keyPrefix,
    rejectIfRedisNotReady: true,
    insuranceLimiter: new RateLimiterMemory({ ...base, keyPrefix }),
  });
}

/** The error a client gets when over a limit; the API turns retryAfterSeconds into a Retry-After header. */
export function rateLimitedError(msBeforeNext: number, cause?: unknown): AppError {
  return new AppError('RATE_LIMITED', 'Too many requests; try again later', {
    cause,
    details: { retryAfterSeconds: Math.max(1, Math.ceil(msBeforeNext / 1000)) },
  });
}

/** Consumes one point or throws RATE_LIMITED; store errors (with no insurance left) propagate. */
export async function consumeOrThrow(limiter: RateLimiterRedis, key: string): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) throw rateLimitedError(rejection.msBeforeNext, rejection);
    throw rejection;
  }
}
