import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { createRedisQuotaExchange } from '../../apps/api/src/features/billing/redis-quota-exchange.js';
import { apiClient, buildSignup, failureOf, tokensOf } from '../../apps/api/src/testing/http.js';
import { startTestApi, type TestApi } from '../../apps/api/src/testing/start-test-api.js';
import { billingTestConfig, startStripeEmulator, startTestWorker, type TestWorker } from '../support/billing-stack.js';
import { startPrivateRedisCluster } from '../support/private-redis-cluster.js';
import { type ReadyAnswer, readyUntil } from '../support/ready-probe.js';
import { useTestDatabase } from '../support/use-test-database.js';
import { deliverStripeWebhook } from '../support/stripe-webhook-delivery.js';

/**
 * The product on a three-master Redis Cluster (REDIS_MODE=cluster, ADR 027):
 * two API instances and a worker of one deployment, the cluster started by
 * the same script CI uses. One file, in order: the last test kills a master.
 */
const database = useTestDatabase();
const FIXTURE = fileURLToPath(
  new URL('../fixtures/stripe-events/stripe-ruby-mock__customer.subscription.updated__1.json', import.meta.url),
);

describe('on a Redis Cluster', () => {
  let cluster: Awaited<ReturnType<typeof startPrivateRedisCluster>>;
  let emulator: Awaited<ReturnType<typeof startStripeEmulator>>;
  let first: TestApi;
  let second: TestApi;
  let worker: TestWorker;
  beforeAll(async () => {
    cluster = await startPrivateRedisCluster();
    emulator = await startStripeEmulator();
    const config = billingTestConfig(database.url, emulator, {
      REDIS_MODE: 'cluster',
      REDIS_URL: cluster.url,
      LOGIN_MAX_CONSECUTIVE_FAILURES: '2',
    });
    [first, second, worker] = await Promise.all([startTestApi(config), startTestApi(config), startTestWorker(config)]);
  });
  afterAll(async () => {
    await Promise.all([first.close(), second.close(), worker.close()]);
    await emulator.close();
    await cluster.stop();
  });

  test('when the worker starts, then its schedules are registered in the cluster', async () => {
    await worker.schedules.registered;

    const schedulers = await Promise.all([
      worker.producers.housekeeping.queue.getJobSchedulers(),
      worker.producers.billing.queue.getJobSchedulers(),
    ]);

    expect(schedulers.flat().length).toBeGreaterThanOrEqual(3);
  });

  test('when a signed webhook arrives, then it is stored, queued and processed through the API and the worker', async () => {
    const payload = readFileSync(FIXTURE, 'utf8');
    const { id } = JSON.parse(payload) as { id: string };

    const response = await deliverStripeWebhook(first.url, payload);
    await worker.eventsSettled([id]);

    expect(response.status).toBe(200);
    const stored: { status: string } = await first.db('stripeEvents').where({ id }).first('status');
    expect(['processed', 'ignored']).toContain(stored.status);
  });

  test('when a user logs in, refreshes and logs out, then the revoked access token is refused on both instances', async () => {
    const signup = buildSignup();
    await apiClient(first.url).auth.signup.mutate(signup);
    const tokens = tokensOf(
      await apiClient(first.url).auth.login.mutate({ email: signup.email, password: signup.password }),
    );
    const rotated = await apiClient(second.url).auth.refresh.mutate({ refreshToken: tokens.refreshToken ?? '' });
    const onSecond = apiClient(second.url, { token: rotated.accessToken });
    await onSecond.auth.me.query();

    await apiClient(first.url, { token: rotated.accessToken }).auth.logout.mutate();
    const refusedFirst = await failureOf(apiClient(first.url, { token: rotated.accessToken }).auth.me.query());
    const refusedSecond = await failureOf(onSecond.auth.me.query());

    expect([refusedFirst.data?.code, refusedSecond.data?.code]).toEqual(['UNAUTHORIZED', 'UNAUTHORIZED']);
    // Redis itself answered (marker and limit from different slots), not the database fallback.
    const { sid } = JSON.parse(Buffer.from(rotated.accessToken.split('.')[1] ?? '', 'base64url').toString()) as {
      sid: string;
    };
    const admission = await second.services.requestAdmission.admit({ ip: '198.51.100.7', calls: 1, sessionId: sid });
    expect(admission.revocation?.markerExists).toBe(true);
  });

  test('when one client address uses up the default limit on one instance, then the other instance refuses it', async () => {
    const limit = first.config.rateLimits.default.points;
    const admit = (api: TestApi, calls: number) =>
      api.services.requestAdmission.admit({ ip: '203.0.113.9', calls, sessionId: null });

    const onFirst = await admit(first, limit);
    const onSecond = await admit(second, 1);

    expect([onFirst.allowedCalls, onSecond.allowedCalls]).toEqual([limit, 0]);
    expect(onSecond.msBeforeNext).toBeGreaterThan(0);
  });

  test('when wrong passwords exceed the login limit on one instance, then the other instance refuses the next try', async () => {
    const signup = buildSignup();
    await apiClient(first.url).auth.signup.mutate(signup);
    const wrong = { email: signup.email, password: `${signup.password}-wrong` };

    const onFirst = [
      await failureOf(apiClient(first.url).auth.login.mutate(wrong)),
      await failureOf(apiClient(first.url).auth.login.mutate(wrong)),
    ];
    const onSecond = await failureOf(apiClient(second.url).auth.login.mutate(wrong));

    expect(onFirst.map((failure) => failure.data?.code)).toEqual(['UNAUTHORIZED', 'UNAUTHORIZED']);
    expect(onSecond.data?.code).toBe('TOO_MANY_REQUESTS');
  });

  test('when a member is removed on one instance, then the other instance refuses them on the next call', async () => {
    const owner = await apiClient(first.url).auth.signup.mutate(buildSignup());
    const organizationId =
      (await apiClient(first.url, { token: owner.tokens.accessToken }).auth.me.query()).memberships[0]?.organization
        .id ?? '';
    const member = await apiClient(first.url).auth.signup.mutate(buildSignup());
    await first.db('memberships').insert({ organizationId, userId: member.user.id, role: 'admin' });
    const onSecond = apiClient(second.url, { token: member.tokens.accessToken });
    await onSecond.organizations.get.query({ organizationId });
    const heard = new Promise<unknown>((resolve) => {
      const stop = second.services.memberships.onInvalidated((key) => {
        stop();
        resolve(key);
      });
    });

    await apiClient(first.url, { token: owner.tokens.accessToken }).organizations.removeMember.mutate({
      organizationId,
      userId: member.user.id,
    });
    await heard;
    const refused = await failureOf(onSecond.organizations.get.query({ organizationId }));

    expect(refused.data?.code).toBe('FORBIDDEN');
  });

  test('when two instances sync plan-gated call counts of many organizations, then each reads the shared totals in one pipeline', async () => {
    const organizations = Array.from({ length: 20 }, (_, index) => `org-${index}`);
    const exchangeOf = (instanceId: string) =>
      createRedisQuotaExchange({ redis: first.redis, keyPrefix: first.config.redis.keyPrefix, instanceId });
    await exchangeOf('a')('2026-11-30', new Map(organizations.map((id) => [id, 2])));

    const totals = await exchangeOf('b')('2026-11-30', new Map(organizations.map((id) => [id, 3])));

    expect([...totals.values()]).toEqual(organizations.map(() => 5));
  });

  test('when a master is killed, then /ready of the API and of the worker report Redis failed (they were ready before)', async () => {
    const workerUrl = `http://127.0.0.1:${(await worker.listen()).port}`;
    const redisOk = (answer: ReadyAnswer) => answer.body.checks.redis === 'ok';
    await Promise.all([readyUntil(first.url, (answer) => answer.status === 200), readyUntil(workerUrl, redisOk)]);

    await cluster.killNode(cluster.ports[2]);
    const [api, workerAnswer] = await Promise.all([
      readyUntil(first.url, (answer) => !redisOk(answer)),
      readyUntil(workerUrl, (answer) => !redisOk(answer)),
    ]);

    expect([api.status, workerAnswer.status]).toEqual([503, 503]);
  });
});
