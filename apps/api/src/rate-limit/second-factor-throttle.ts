import type { SecondFactorThrottle } from '@groundwork/auth';
import type { RedisClient } from '@groundwork/queue';

import { clientKey } from './client-key.js';
import { consumeOrThrow, createLimiter } from './limiter-factory.js';

/**
 * A six-digit code has a million values and ±1 step accepts three of them:
 * five guesses per user per quarter hour leave an attacker with the password
 * about 1 chance in 67,000 per quarter hour, i.e. years for even odds. The
 * per-IP cap stops one client spraying the codes of many accounts.
 */
export const SECOND_FACTOR_LIMITS = {
  perUser: { points: 5, durationSeconds: 900 },
  perIp: { points: 50, durationSeconds: 3_600 },
};

/**
 * Guessing protection for second-factor codes (ADR 026): every attempt
 * consumes a point per user and per IP before the code is compared, so
 * parallel guesses cannot slip between a check and a count; a correct code
 * gives the user a clean slate.
 */
export function createSecondFactorThrottle(options: { redis: RedisClient; keyPrefix: string }): SecondFactorThrottle {
  const perUser = createLimiter(options.redis, `${options.keyPrefix}:rl:mfa-user`, SECOND_FACTOR_LIMITS.perUser);
  const perIp = createLimiter(options.redis, `${options.keyPrefix}:rl:mfa-ip`, SECOND_FACTOR_LIMITS.perIp);

  return {
    async beforeAttempt(userId, ip) {
      await consumeOrThrow(perUser, userId);
      await consumeOrThrow(perIp, clientKey(ip));
    },
    async recordSuccess(userId) {
      await perUser.delete(userId);
    },
  };
}
