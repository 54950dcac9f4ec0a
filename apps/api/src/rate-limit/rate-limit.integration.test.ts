import { createServer } from 'node:net';

import { afterAll, describe, expect, test } from 'vitest';

import { connectTestRedis, deleteKeys, keysWithPrefix } from '../../../../test/support/redis-keys.js';
import { TEST_REDIS_URL, testConfig, uniqueKeyPrefix } from '../../../../test/support/test-env.js';
import { useTestDatabase } from '../../../../test/support/use-test-database.js';
import { apiClient, buildSignup, failureOf, rawCall } from '../testing/http.js';
import { startTestApi, type TestApi } from '../testing/start-test-api.js';
import { createLoginThrottle } from './login-throttle.js';

const database = useTestDatabase();
const started: TestApi[] = [];
afterAll(async () => {
  await Promise.all(started.map((api) => api.close()));
});

async function start(env: Record<string, string>, options: { waitForRedis?: boolean } = {}) {
  const api = await startTestApi(testConfig({ DATABASE_URL: database.url, ...env }), options);
  started.push(api);
  return api;
}

/** A login "from" a client IP, as the trusted proxy in front of the API reports it. */
function loginFrom(api: TestApi, forwardedFor: string | null, credentials: { email: string; password: string }) {
  return rawCall(api.url, 'auth.login', {
    body: { email: credentials.email, password: credentials.password },
    headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {},
  });
}

const errorCode = (response: { body: Record<string, unknown> }) =>
  (response.body.error as { data: { code: string } } | undefined)?.data.code ?? 'OK';

describe('login throttling', () => {
  test('when a pair reaches the failure limit, then it is locked out with Retry-After, while the same account logs in from another IP', async () => {
    const api = await start({ TRUST_PROXY: '1', LOGIN_MAX_CONSECUTIVE_FAILURES: '3', LOGIN_LOCKOUT_SECONDS: '900' });
    const victim = buildSignup();
    await apiClient(api.url).auth.signup.mutate(victim);
    const wrong = { email: victim.email, password: `${victim.password}-wrong` };

    const failures = [];
    for (let attempt = 0; attempt < 3; attempt += 1)
      failures.push(errorCode(await loginFrom(api, '203.0.113.66', wrong)));
    const lockedOut = await loginFrom(api, '203.0.113.66', victim);
    const fromVictimsIp = await loginFrom(api, '198.51.100.7', victim);

    expect(failures).toEqual(['UNAUTHORIZED', 'UNAUTHORIZED', 'UNAUTHORIZED']);
    expect(lockedOut.status).toBe(429);
    expect(Number(lockedOut.headers.get('retry-after'))).toBeGreaterThan(800);
    expect([...lockedOut.headers.keys()].filter((name) => name.startsWith('x-ratelimit'))).toEqual([]);
    expect(fromVictimsIp.status).toBe(200);
  });

  test('when a login succeeds, then the consecutive-failure count starts over', async () => {
    const api = await start({ LOGIN_MAX_CONSECUTIVE_FAILURES: '3' });
    const user = buildSignup();
    await apiClient(api.url).auth.signup.mutate(user);
    const wrong = { email: user.email, password: 'definitely-wrong-1' };

    for (let attempt = 0; attempt < 2; attempt += 1) await loginFrom(api, null, wrong);
    expect((await loginFrom(api, null, user)).status).toBe(200);
    for (let attempt = 0; attempt < 2; attempt += 1) await loginFrom(api, null, wrong);

    expect((await loginFrom(api, null, user)).status).toBe(200);
  });

  test('when many wrong passwords arrive at once, then no more than the limit ever reach the password check', async () => {
    const api = await start({ LOGIN_MAX_CONSECUTIVE_FAILURES: '3' });
    const user = buildSignup();
    const { user: created } = await apiClient(api.url).auth.signup.mutate(user);

    const responses = await Promise.all(
      Array.from({ length: 12 }, () => loginFrom(api, null, { email: user.email, password: 'parallel-guess-1' })),
    );

    const checked = await api
      .db('auditEvents')
      .where({ actorUserId: created.id, type: 'login.failed' })
      .count({ n: '*' });
    expect(Number(checked[0]?.n)).toBeLessThanOrEqual(3);
    expect(responses.filter((response) => response.status === 429).length).toBeGreaterThanOrEqual(9);
  });

  test('when a client forges X-Forwarded-For, then its limits neither reset nor move (one trusted hop)', async () => {
    const api = await start({ TRUST_PROXY: '1', LOGIN_MAX_CONSECUTIVE_FAILURES: '2' });
    const user = buildSignup();
    await apiClient(api.url).auth.signup.mutate(user);
    const wrong = { email: user.email, password: 'not-the-password' };

    await loginFrom(api, '1.1.1.1, 192.0.2.10', wrong);
    await loginFrom(api, '2.2.2.2, 192.0.2.10', wrong);
    const spoofed = await loginFrom(api, '3.3.3.3, 192.0.2.10', user);

    expect(spoofed.status).toBe(429);
  });

  test('when an IPv6 client rotates addresses within its /64, then it still counts as one client', async () => {
    const api = await start({ TRUST_PROXY: '1', LOGIN_MAX_CONSECUTIVE_FAILURES: '2' });
    const user = buildSignup();
    await apiClient(api.url).auth.signup.mutate(user);
    const wrong = { email: user.email, password: 'not-the-password' };

    await loginFrom(api, '2001:db8:aa:bb::1', wrong);
    await loginFrom(api, '2001:db8:aa:bb:ffff:1:2:3', wrong);
    const rotated = await loginFrom(api, '2001:db8:aa:bb:9::9', user);
    const otherNetwork = await loginFrom(api, '2001:db8:aa:cc::1', user);

    expect(rotated.status).toBe(429);
    expect(otherNetwork.status).toBe(200);
  });

  test('when no proxy is trusted, then X-Forwarded-For is ignored entirely', async () => {
    const api = await start({ TRUST_PROXY: '0', LOGIN_MAX_CONSECUTIVE_FAILURES: '2' });
    const user = buildSignup();
    await apiClient(api.url).auth.signup.mutate(user);
    const wrong = { email: user.email, password: 'not-the-password' };

    await loginFrom(api, null, wrong);
    await loginFrom(api, null, wrong);
    const spoofed = await loginFrom(api, '9.9.9.9', user);

    expect(spoofed.status).toBe(429);
  });

  test('when one IP fails against many accounts, then its daily failure cap stops it', async () => {
    const api = await start({ TRUST_PROXY: '1', LOGIN_MAX_FAILURES_PER_IP_PER_DAY: '4' });

    const codes = [];
    for (let attempt = 0; attempt < 5; attempt += 1) {
      codes.push(
        errorCode(await loginFrom(api, '203.0.113.99', { email: buildSignup().email, password: 'spraying-1234' })),
      );
    }

    expect(codes).toEqual(['UNAUTHORIZED', 'UNAUTHORIZED', 'UNAUTHORIZED', 'UNAUTHORIZED', 'TOO_MANY_REQUESTS']);
    expect((await loginFrom(api, '203.0.113.100', { email: buildSignup().email, password: 'x-other-ip' })).status).toBe(
      401,
    );
  });

  test('when one account is guessed at from many addresses, then its hourly failure cap stops every address', async () => {
    const api = await start({ TRUST_PROXY: '1', LOGIN_MAX_FAILURES_PER_ACCOUNT_PER_HOUR: '3' });
    const victim = buildSignup();
    await apiClient(api.url).auth.signup.mutate(victim);
    const wrong = { email: victim.email, password: 'distributed-guess-1' };

    const codes = [];
    for (let attempt = 0; attempt < 4; attempt += 1) {
      codes.push(errorCode(await loginFrom(api, `203.0.113.${10 + attempt}`, wrong)));
    }
    const fresh = await loginFrom(api, '198.51.100.50', victim);

    expect(codes).toEqual(['UNAUTHORIZED', 'UNAUTHORIZED', 'UNAUTHORIZED', 'TOO_MANY_REQUESTS']);
    expect(fresh.status).toBe(429);
    expect(Number(fresh.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  test('when the hashing queue is full, then a login is refused at once with 503 and Retry-After', async () => {
    const api = await start({
      TRUST_PROXY: '1',
      BCRYPT_COST: '12',
      PASSWORD_HASH_CONCURRENCY: '1',
      PASSWORD_HASH_QUEUE: '0',
      LOGIN_MAX_CONSECUTIVE_FAILURES: '1',
    });
    const user = buildSignup();
    const attempts = Array.from({ length: 3 }, (_, index) =>
      loginFrom(api, `203.0.113.${50 + index}`, { email: user.email, password: 'flood-guess-1' }),
    );

    const statuses = (await Promise.all(attempts)).map((response) => ({
      status: response.status,
      retryAfter: response.headers.get('retry-after'),
    }));

    expect(statuses.filter((entry) => entry.status === 401)).toHaveLength(1);
    expect(statuses.filter((entry) => entry.status === 503 && Number(entry.retryAfter) >= 1)).toHaveLength(2);
  });

  test('when a pair is locked out again after a lockout ended, then the lockout doubles', async () => {
    const redis = await connectTestRedis();
    const keyPrefix = uniqueKeyPrefix();
    const throttle = createLoginThrottle({
      redis,
      keyPrefix,
      settings: {
        maxConsecutiveFailures: 2,
        lockoutSeconds: 60,
        maxFailuresPerIpPerDay: 1000,
        maxFailuresPerAccountPerHour: 1000,
      },
    });
    const failTwice = async () => {
      let lockout = null;
      for (let attempt = 0; attempt < 2; attempt += 1) {
        lockout = await throttle.recordFailure(await throttle.beforeAttempt('a@b.test', '192.0.2.1'));
      }
      return lockout;
    };

    const first = await failTwice();
    // The lockout ends (its key expires); the record of earlier lockouts remains.
    await redis.del(`${keyPrefix}:rl:login-pair:a@b.test|192.0.2.1`);
    const second = await failTwice();

    expect(first).toEqual({ lockedForSeconds: 60 });
    expect(second).toEqual({ lockedForSeconds: 120 });
    await deleteKeys(redis, await keysWithPrefix(redis, keyPrefix));
    redis.disconnect();
  });
});

describe('request limits', () => {
  test('when a batch holds more calls than the default limit allows, then each call is counted and the excess is refused', async () => {
    const api = await start({ RATE_LIMIT_DEFAULT: '5/minute' });
    const paths = Array.from({ length: 7 }, () => 'system.status').join(',');

    const response = await fetch(`${api.url}/trpc/${paths}?batch=1&input=${encodeURIComponent('{}')}`);
    const results = (await response.json()) as { error?: { data: { code: string } } }[];
    const next = await rawCall(api.url, 'system.status', { method: 'GET' });

    expect(results.filter((result) => result.error?.data.code === 'TOO_MANY_REQUESTS')).toHaveLength(2);
    expect(next.status).toBe(429);
    expect(Number(next.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  test('when signups exceed their own limit, then signup is refused while login still works', async () => {
    const api = await start({ RATE_LIMIT_SIGNUP: '2/hour' });
    const first = buildSignup();
    await apiClient(api.url).auth.signup.mutate(first);
    await apiClient(api.url).auth.signup.mutate(buildSignup());

    const third = await failureOf(apiClient(api.url).auth.signup.mutate(buildSignup()));

    expect(third.data?.code).toBe('TOO_MANY_REQUESTS');
    await expect(
      apiClient(api.url).auth.login.mutate({ email: first.email, password: first.password }),
    ).resolves.toBeDefined();
  });

  test('when refreshes exceed their own limit, then refresh is refused', async () => {
    const api = await start({ RATE_LIMIT_REFRESH: '1/minute' });
    const { tokens } = await apiClient(api.url).auth.signup.mutate(buildSignup());
    const next = await apiClient(api.url).auth.refresh.mutate({ refreshToken: tokens.refreshToken ?? '' });

    const refused = await failureOf(apiClient(api.url).auth.refresh.mutate({ refreshToken: next.refreshToken ?? '' }));

    expect(refused.data?.code).toBe('TOO_MANY_REQUESTS');
  });

  test('when Redis is down, then the in-memory insurance limiter still enforces the limit in this process', async () => {
    const blackHole = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
    const deadRedis = new URL(TEST_REDIS_URL);
    deadRedis.port = String((blackHole.address() as { port: number }).port);
    const api = await start(
      { RATE_LIMIT_DEFAULT: '3/minute', REDIS_URL: deadRedis.toString() },
      { waitForRedis: false },
    );

    const statuses = [];
    for (let call = 0; call < 4; call += 1)
      statuses.push((await rawCall(api.url, 'system.status', { method: 'GET' })).status);

    expect(statuses).toEqual([200, 200, 200, 429]);
    blackHole.close();
  });
});
