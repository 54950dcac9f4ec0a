import { createHash } from 'node:crypto';

import type { RedisClient } from '@groundwork/queue';

import { clientKey } from './client-key.js';
import { consumeOrThrow, createLimiter, type LimiterSettings } from './limiter-factory.js';

export type RequestLimitName = 'default' | 'signup' | 'refresh' | 'accountEmail';

/**
 * Per-IP limits counted per procedure call (so a tRPC batch of ten calls
 * counts ten). `default` applies to every call; the others add to it.
 */
export function createRequestLimits(options: {
  redis: RedisClient;
  keyPrefix: string;
  limits: Record<RequestLimitName, { points: number; durationSeconds: number }>;
}) {
  const limiters = Object.fromEntries(
    (Object.keys(options.limits) as RequestLimitName[]).map((name) => [
      name,
      createLimiter(options.redis, `${options.keyPrefix}:rl:${name}`, options.limits[name] satisfies LimiterSettings),
    ]),
  ) as Record<RequestLimitName, ReturnType<typeof createLimiter>>;
  const subjectLimiters = Object.fromEntries(
    (Object.keys(options.limits) as RequestLimitName[]).map((name) => [
      name,
      createLimiter(options.redis, `${options.keyPrefix}:rl:${name}:subject`, options.limits[name]),
    ]),
  ) as Record<RequestLimitName, ReturnType<typeof createLimiter>>;
  return {
    /** @throws AppError RATE_LIMITED with retryAfterSeconds */
    consume: (name: RequestLimitName, ip: string) => consumeOrThrow(limiters[name], clientKey(ip)),
    /**
     * Counts a call against the limit of one subject (an account, an e-mail address)
     * whatever the IP. The subject is stored hashed: no address sits in Redis.
     *
     * @throws AppError RATE_LIMITED with retryAfterSeconds
     */
    consumeFor: (name: RequestLimitName, subject: string) =>
      consumeOrThrow(subjectLimiters[name], createHash('sha256').update(subject).digest('base64url')),
  };
}

export type RequestLimits = ReturnType<typeof createRequestLimits>;
