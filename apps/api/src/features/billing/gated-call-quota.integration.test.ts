/**
 * The daily limit of plan-gated calls (ADR 024) against a real Redis: several
 * instances in one process sharing one budget, a restart, Redis going away and
 * coming back empty, and the limit as a client sees it through the real app.
 */
import { randomBytes, randomUUID } from 'node:crypto';

import { createLogger } from '@groundwork/core';
import type { RedisClient } from '@groundwork/queue';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';

import { startPrivateRedis } from '../../../../../test/support/private-redis.js';
import { connectTestRedis } from '../../../../../test/support/redis-keys.js';
import { redisReady } from '../../../../../test/support/redis-ready.js';
import { testConfig, uniqueKeyPrefix } from '../../../../../test/support/test-env.js';
import { useTestDatabase } from '../../../../../test/support/use-test-database.js';
import { apiClient, buildSignup, failureOf, rawCall } from '../../testing/http.js';
import { startTestApi, type TestApi } from '../../testing/start-test-api.js';
import { createGatedCallQuota, utcDay, type GatedCallQuota } from './gated-call-quota.js';
import { createRedisQuotaExchange } from './redis-quota-exchange.js';

const database = useTestDatabase();
const logger = createLogger({ service: 'test', level: 'silent' });

function instance(redis: RedisClient, keyPrefix: string): GatedCallQuota {
  return createGatedCallQuota({
    exchange: createRedisQuotaExchange({ redis, keyPrefix, instanceId: randomUUID() }),
    // The tests sync explicitly: each sync stands for one interval's tick.
    syncIntervalMs: 3_600_000,
    logger,
  });
}

/** Takes up to `calls` calls; how many were admitted. */
function takeMany(quota: GatedCallQuota, organizationId: string, limit: number, calls: number): number {
  let admitted = 0;
  for (let call = 0; call < calls; call += 1) {
    try {
      quota.take(organizationId, limit);
      admitted += 1;
    } catch {
      // Refused: over the limit as this instance knows it.
    }
  }
  return admitted;
}

async function storedTotal(redis: RedisClient, keyPrefix: string, organizationId: string): Promise<number> {
  const values = await redis.hvals(`${keyPrefix}:gated-calls:{${utcDay(Date.now())}}:${organizationId}`);
  return values.reduce((sum, value) => sum + Number(value), 0);
}

describe('the daily limit of plan-gated calls across instances (real Redis)', () => {
  let redis: RedisClient;
  beforeAll(async () => {
    redis = await connectTestRedis();
  });
  afterAll(() => {
    redis.disconnect();
  });

  test('when 3 instances each admit 7 calls per interval against a limit of 100, then together they admit at least the limit and overshoot it by at most 2 × 3 × 7 calls', async () => {
    const keyPrefix = uniqueKeyPrefix();
    const instances = [instance(redis, keyPrefix), instance(redis, keyPrefix), instance(redis, keyPrefix)];
    const [limit, callsPerInterval, organizationId] = [100, 7, randomUUID()];

    let admitted = 0;
    for (let interval = 0; interval < 100; interval += 1) {
      const admittedNow = instances.reduce(
        (sum, quota) => sum + takeMany(quota, organizationId, limit, callsPerInterval),
        0,
      );
      admitted += admittedNow;
      // Each instance ticks on its own: they learn of each other's calls one after another.
      for (const quota of instances) await quota.sync();
      if (admittedNow === 0) break;
    }

    expect(admitted).toBeGreaterThanOrEqual(limit);
    expect(admitted - limit).toBeLessThanOrEqual(2 * instances.length * callsPerInterval);
    expect(await storedTotal(redis, keyPrefix, organizationId)).toBe(admitted);
    for (const quota of instances) expect(takeMany(quota, organizationId, limit, 1)).toBe(0);
  });

  test('when 3 instances tick at different phases of the interval, each admitting 10 calls per interval against a limit of 200, then they overshoot it by at most 2 × 3 × 10 calls', async () => {
    const keyPrefix = uniqueKeyPrefix();
    const instances = [instance(redis, keyPrefix), instance(redis, keyPrefix), instance(redis, keyPrefix)];
    const [limit, stepsPerInterval, organizationId] = [200, 10, randomUUID()];
    const phases = [0, 3, 7];

    // One call per instance per step; an instance syncs once per interval, at its own phase.
    let [admitted, lastAdmittedStep] = [0, 0];
    for (let step = 0; step - lastAdmittedStep <= 3 * stepsPerInterval; step += 1) {
      for (const [index, quota] of instances.entries()) {
        const now = takeMany(quota, organizationId, limit, 1);
        admitted += now;
        if (now > 0) lastAdmittedStep = step;
        if (step % stepsPerInterval === phases[index]) await quota.sync();
      }
    }

    expect(admitted).toBeGreaterThanOrEqual(limit);
    expect(admitted - limit).toBeLessThanOrEqual(2 * instances.length * stepsPerInterval);
  });

  test('when an instance restarts, then the new process counts the calls the old one admitted', async () => {
    const keyPrefix = uniqueKeyPrefix();
    const organizationId = randomUUID();
    const before = instance(redis, keyPrefix);
    expect(takeMany(before, organizationId, 8, 5)).toBe(5);
    await before.stop();

    const after = instance(redis, keyPrefix);
    expect(takeMany(after, organizationId, 8, 1)).toBe(1);
    await after.sync();

    expect(takeMany(after, organizationId, 8, 10)).toBe(2);
  });

  test('when Redis is down, then each instance still serves up to the limit on what it knows and then refuses, and when Redis comes back empty the shared total is restored', async () => {
    const privateRedis = await startPrivateRedis();
    const keyPrefix = uniqueKeyPrefix();
    const organizationId = randomUUID();
    const clients = [new Redis(privateRedis.url, { enableOfflineQueue: false, maxRetriesPerRequest: 1 })];
    clients.push(new Redis(privateRedis.url, { enableOfflineQueue: false, maxRetriesPerRequest: 1 }));
    await Promise.all(clients.map((client) => redisReady(client)));
    const [first, second] = clients.map((client) => instance(client, keyPrefix)) as [GatedCallQuota, GatedCallQuota];
    try {
      // Up: 4 calls on the first instance and 2 on the second, known to both.
      expect(takeMany(first, organizationId, 10, 4)).toBe(4);
      expect(takeMany(second, organizationId, 10, 2)).toBe(2);
      for (const quota of [first, second, first]) await quota.sync();

      // Down: each serves what is left of the limit as it knows it (4), then refuses: never open, never closed.
      await privateRedis.stop();
      expect(takeMany(first, organizationId, 10, 20)).toBe(4);
      expect(takeMany(second, organizationId, 10, 20)).toBe(4);
      await Promise.all([first.sync(), second.sync()]);
      expect(takeMany(first, organizationId, 10, 1) + takeMany(second, organizationId, 10, 1)).toBe(0);

      // Back, but empty: each instance writes its absolute count again, and the shared total is whole.
      await privateRedis.restart();
      await Promise.all(clients.map((client) => redisReady(client)));
      await Promise.all([first.sync(), second.sync()]);

      const check = await redisReady(new Redis(privateRedis.url));
      expect(await storedTotal(check, keyPrefix, organizationId)).toBe(8 + 6);
      check.disconnect();
      expect(takeMany(first, organizationId, 10, 1) + takeMany(second, organizationId, 10, 1)).toBe(0);
    } finally {
      for (const client of clients) client.disconnect();
      await privateRedis.stop();
    }
  });
});

describe('the daily limit through the app', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi(testConfig({ DATABASE_URL: database.url }));
  });
  afterAll(async () => {
    await api?.close();
  });

  async function businessOrganization() {
    const { tokens } = await apiClient(api.url).auth.signup.mutate(buildSignup());
    const client = apiClient(api.url, { token: tokens.accessToken });
    const organizationId = (await client.auth.me.query()).memberships[0]?.organization.id ?? '';
    await api.db('subscriptions').insert({
      id: `sub_quota_${randomBytes(4).toString('hex')}`,
      organizationId,
      stripeCustomerId: 'cus_quota',
      status: 'active',
      priceId: 'price_business_monthly',
      planKey: 'business',
      currentPeriodStart: new Date(),
      currentPeriodEnd: new Date(Date.now() + 30 * 86_400_000),
      stripeCreatedAt: new Date(),
    });
    return { client, organizationId, accessToken: tokens.accessToken };
  }

  test('when the organization has used its plan’s calls of the day on other instances, then the next gated call gets 429 with Retry-After, the limit, the calls counted and the next UTC midnight', async () => {
    // Arrange: a business organization (1,000,000 calls a day), all but one used on another instance.
    const { client, organizationId, accessToken } = await businessOrganization();
    const key = `${api.config.redis.keyPrefix}:gated-calls:{${utcDay(Date.now())}}:${organizationId}`;
    await api.redis.hset(key, 'another-instance', 999_999);

    // Act: the last call of the day, the background sync, then one more.
    await client.analytics.limits.query({ organizationId });
    await api.services.gatedCallQuota.sync();
    const input = encodeURIComponent(JSON.stringify({ organizationId }));
    const refused = await rawCall(api.url, `analytics.limits?input=${input}`, {
      method: 'GET',
      headers: { authorization: `Bearer ${accessToken}` },
    });

    // Assert
    const nextMidnight = new Date(`${utcDay(Date.now() + 86_400_000)}T00:00:00.000Z`);
    const error = refused.body.error as { data: { code: string; details: Record<string, unknown> } };
    expect(refused.status).toBe(429);
    expect(error.data.code).toBe('TOO_MANY_REQUESTS');
    expect(error.data.details).toMatchObject({
      quota: 'gatedCallsPerDay',
      limit: 1_000_000,
      used: 1_000_000,
      resetsAt: nextMidnight.toISOString(),
    });
    expect(Number(refused.headers.get('retry-after'))).toBe(error.data.details.retryAfterSeconds);
  });

  test('when plan-gated calls are answered, then none makes a request-bound logger: their access lines need none (ADR 046)', async () => {
    const { client, organizationId } = await businessOrganization();
    await client.analytics.limits.query({ organizationId }); // the caches filled
    const makeChild = vi.spyOn(api.logger, 'child');

    for (let call = 0; call < 3; call += 1) await client.analytics.limits.query({ organizationId });

    expect(makeChild).not.toHaveBeenCalled();
  });

  test('when Redis has no count for the day (lost its data) but usage_daily has, then the stored count is the floor', async () => {
    const { client, organizationId } = await businessOrganization();
    await api.db('usage_daily').insert({
      organizationId,
      day: utcDay(Date.now()),
      metric: 'gated_calls',
      count: 1_000_000,
    });

    await client.analytics.limits.query({ organizationId });
    await api.services.gatedCallQuota.sync();
    const refused = await failureOf(client.analytics.limits.query({ organizationId }));

    expect(refused.data?.code).toBe('TOO_MANY_REQUESTS');
    expect(refused.data?.details).toMatchObject({ limit: 1_000_000, used: 1_000_000 });
  });
});
