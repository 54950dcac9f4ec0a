import type { RedisClient } from '@groundwork/queue';
import { RateLimiterRes } from 'rate-limiter-flexible';

import { clientKey } from './client-key.js';
import { consumeOrThrow, createLimiter, rateLimitedError } from './limiter-factory.js';

const DAY_SECONDS = 86_400;

export type LoginThrottleSettings = {
  maxConsecutiveFailures: number;
  /** The first lockout; each further lockout of the same pair doubles it (at most a day). */
  lockoutSeconds: number;
  maxFailuresPerIpPerDay: number;
  /** Across all addresses: a guess at one account spread over many IPs stops here. */
  maxFailuresPerAccountPerHour: number;
};

export type LoginAttempt = { pairKey: string; ip: string; accountKey: string };

/** The key of the (e-mail, IP) pair: an attacker's failures never lock the victim out of their own IP. */
export function loginPairKey(email: string, ip: string): string {
  return `${email.trim().toLowerCase()}|${clientKey(ip)}`;
}

/**
 * Brute-force protection for login (OWASP / rate-limiter-flexible's login
 * recipe): consecutive failures per (e-mail, IP) lock that pair out with a
 * growing delay, and failures per IP per day are capped. A point is consumed
 * before the password is checked, so parallel guesses cannot slip through
 * between a check and a count.
 */
export function createLoginThrottle(options: {
  redis: RedisClient;
  keyPrefix: string;
  settings: LoginThrottleSettings;
}) {
  const { redis, keyPrefix, settings } = options;
  const pairs = createLimiter(redis, `${keyPrefix}:rl:login-pair`, {
    points: settings.maxConsecutiveFailures,
    durationSeconds: DAY_SECONDS,
  });
  const lockouts = createLimiter(redis, `${keyPrefix}:rl:login-lockouts`, {
    points: 1_000,
    durationSeconds: DAY_SECONDS,
  });
  const perIpPerDay = createLimiter(redis, `${keyPrefix}:rl:login-ip-day`, {
    points: settings.maxFailuresPerIpPerDay,
    durationSeconds: DAY_SECONDS,
  });

  const perAccountPerHour = createLimiter(redis, `${keyPrefix}:rl:login-account-hour`, {
    points: settings.maxFailuresPerAccountPerHour,
    durationSeconds: 3_600,
  });

  return {
    /**
     * Call before checking the password. Throws RATE_LIMITED when the pair is
     * locked out, the IP has used up its day or the account its hour;
     * otherwise counts the attempt against all three.
     */
    async beforeAttempt(email: string, clientIp: string): Promise<LoginAttempt> {
      const pairKey = loginPairKey(email, clientIp);
      const ip = clientKey(clientIp);
      const accountKey = email.trim().toLowerCase();
      const [pair, ipDay, accountHour] = await Promise.all([
        pairs.get(pairKey),
        perIpPerDay.get(ip),
        perAccountPerHour.get(accountKey),
      ]);
      if (pair && pair.consumedPoints >= settings.maxConsecutiveFailures) throw rateLimitedError(pair.msBeforeNext);
      if (ipDay && ipDay.consumedPoints >= settings.maxFailuresPerIpPerDay) throw rateLimitedError(ipDay.msBeforeNext);
      if (accountHour && accountHour.consumedPoints >= settings.maxFailuresPerAccountPerHour) {
        throw rateLimitedError(accountHour.msBeforeNext);
      }
      await Promise.all([
        consumeOrThrow(pairs, pairKey),
        consumeOrThrow(perIpPerDay, ip),
        consumeOrThrow(perAccountPerHour, accountKey),
      ]);
      return { pairKey, ip, accountKey };
    },

    /** After a wrong password: locks the pair out once it reached the limit. Returns the lockout, if any. */
    async recordFailure(attempt: LoginAttempt): Promise<{ lockedForSeconds: number } | null> {
      const pair = await pairs.get(attempt.pairKey);
      if (!pair || pair.consumedPoints < settings.maxConsecutiveFailures) return null;
      let lockoutNumber = 1;
      try {
        lockoutNumber = (await lockouts.consume(attempt.pairKey)).consumedPoints;
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        lockoutNumber = rejection.consumedPoints;
      }
      const lockedForSeconds = Math.min(settings.lockoutSeconds * 2 ** (lockoutNumber - 1), DAY_SECONDS);
      await pairs.block(attempt.pairKey, lockedForSeconds);
      return { lockedForSeconds };
    },

    /** After a correct password: the pair starts over, and the attempt does not count against the IP. */
    async recordSuccess(attempt: LoginAttempt): Promise<void> {
      await Promise.all([
        pairs.delete(attempt.pairKey),
        lockouts.delete(attempt.pairKey),
        perIpPerDay.reward(attempt.ip, 1),
        perAccountPerHour.reward(attempt.accountKey, 1),
      ]);
    },
  };
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
