import { afterAll, describe, expect, test } from 'vitest';

import { connectTestRedis } from '../../../../test/support/redis-keys.js';
import { uniqueKeyPrefix } from '../../../../test/support/test-env.js';
import { createSecondFactorThrottle, SECOND_FACTOR_LIMITS } from './second-factor-throttle.js';

const redis = await connectTestRedis();
afterAll(async () => {
  await redis.quit();
});

const outcome = (attempt: Promise<void>) =>
  attempt.then(
    () => 'allowed',
    (error: { code?: string }) => error.code ?? 'error',
  );

describe('second-factor throttle', () => {
  test('when one user is guessed from many IPs, then the user is limited, and a correct code starts them over', async () => {
    const throttle = createSecondFactorThrottle({ redis, keyPrefix: uniqueKeyPrefix() });
    const tries = SECOND_FACTOR_LIMITS.perUser.points;

    for (let i = 0; i < tries; i += 1) await throttle.beforeAttempt('user-a', `198.51.100.${i}`);
    const limited = await outcome(throttle.beforeAttempt('user-a', '203.0.113.9'));
    const otherUser = await outcome(throttle.beforeAttempt('user-b', '203.0.113.9'));
    await throttle.recordSuccess('user-a');
    const afterSuccess = await outcome(throttle.beforeAttempt('user-a', '203.0.113.10'));

    expect([limited, otherUser, afterSuccess]).toEqual(['RATE_LIMITED', 'allowed', 'allowed']);
  });

  test('when one IP sprays codes across many users, then the IP is limited while other IPs are not', async () => {
    const throttle = createSecondFactorThrottle({ redis, keyPrefix: uniqueKeyPrefix() });
    const tries = SECOND_FACTOR_LIMITS.perIp.points;

    for (let i = 0; i < tries; i += 1) await throttle.beforeAttempt(`user-${i}`, '192.0.2.7');
    const limited = await outcome(throttle.beforeAttempt('fresh-user', '192.0.2.7'));
    const otherIp = await outcome(throttle.beforeAttempt('fresh-user', '192.0.2.8'));

    expect([limited, otherIp]).toEqual(['RATE_LIMITED', 'allowed']);
  });
});
