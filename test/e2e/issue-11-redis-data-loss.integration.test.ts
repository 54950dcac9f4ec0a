import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';

import { followVerificationLink } from '../../apps/api/src/testing/teams.js';
import { apiClient, buildSignup, failureOf } from '../../apps/api/src/testing/http.js';
import { startTestApi, type TestApi } from '../../apps/api/src/testing/start-test-api.js';
import { billingEnv, startStripeEmulator, testDb, TEST_WEBHOOK_SECRET } from '../support/billing-stack.js';
import { startPrivateRedis, type PrivateRedis } from '../support/private-redis.js';
import { spawnService, type ServiceProcess } from '../support/spawn-service.js';
import { testConfig, testEnv } from '../support/test-env.js';
import { useTestDatabase } from '../support/use-test-database.js';

const database = useTestDatabase();
const ORGANIZATIONS = 12;
/** What the test allows for stored events to be processed once Redis is back: schedule check + sweep + work. */
const RECOVERY_BOUND_MS = 15_000;

/**
 * A Redis without persistence is SIGKILLed and started again, empty, in the
 * middle of a shuffled, duplicated webhook storm, with two API instances and
 * a real worker process running. Nothing else is restarted.
 */
describe('issue 11: recovery after Redis loses its data', () => {
  let redis: PrivateRedis;
  let emulator: Awaited<ReturnType<typeof startStripeEmulator>>;
  let apis: TestApi[];
  let worker: ServiceProcess;
  let db: ReturnType<typeof testDb>;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    emulator = await startStripeEmulator({ delivery: 'manual' });
    const env = testEnv({
      DATABASE_URL: database.url,
      ...redis.env,
      ...billingEnv(emulator),
      STRIPE_EVENT_SWEEP_INTERVAL_MS: '1000',
      STRIPE_EVENT_SWEEP_GRACE_MS: '1000',
      WORKER_SCHEDULE_CHECK_INTERVAL_MS: '500',
      WORKER_HEALTH_PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
    });
    const config = testConfig(env as typeof env & { DATABASE_URL: string });
    apis = [await startTestApi(config), await startTestApi(config)];
    emulator.setWebhookTarget({ url: `${apis[0]?.url ?? ''}/webhooks/stripe`, secret: TEST_WEBHOOK_SECRET });
    worker = spawnService('apps/worker/src/main.ts', env, mkdtempSync(join(tmpdir(), 'groundwork-issue-11-')));
    await worker.waitForLog((line) => line.msg === 'worker started');
    db = testDb(database.url);
  });
  afterAll(async () => {
    // Guarded: a failed beforeAll must still stop the private Redis it started.
    worker?.child.kill('SIGKILL');
    if (worker) await worker.exited;
    for (const api of apis ?? []) await api.close();
    await emulator?.close();
    await db?.destroy();
    await redis?.stop();
  });

  test('when Redis restarts empty under a webhook storm, then every stored event is processed, every gate is right on both instances and every revoked session stays refused', async () => {
    // Arrange: organizations that subscribe, a third of them canceling again; sessions ended three ways.
    const [first, second] = apis.map((api) => api.url) as [string, string];
    const organizations = await Promise.all(
      Array.from({ length: ORGANIZATIONS }, async (_, index) => {
        const { user, tokens } = await apiClient(first).auth.signup.mutate(buildSignup());
        const client = apiClient(first, { token: tokens.accessToken });
        await followVerificationLink(db, client, user.email);
        const organizationId = (await client.auth.me.query()).memberships[0]?.organization.id ?? '';
        const checkout = await client.billing.createCheckoutSession.mutate({ organizationId, plan: 'pro' });
        const subscription = emulator.completeCheckout(checkout.sessionId);
        const canceled = index % 3 === 0;
        if (canceled) emulator.updateSubscription(subscription.id, { status: 'canceled' });
        return { token: tokens.accessToken, organizationId, canceled };
      }),
    );
    // Both instances cache "free" now; the announcements that change it may be lost with Redis.
    for (const { token, organizationId } of organizations) {
      for (const url of [first, second]) {
        const locked = apiClient(url, { token }).analytics.dashboard.query({ organizationId });
        expect((await failureOf(locked)).data?.code).toBe('PAYMENT_REQUIRED');
      }
    }
    const revoked: string[] = [];
    for (const end of ['logout', 'logoutAll', 'changePassword'] as const) {
      const signup = buildSignup();
      const { tokens } = await apiClient(first).auth.signup.mutate(signup);
      const client = apiClient(second, { token: tokens.accessToken });
      if (end === 'logout') await client.auth.logout.mutate();
      if (end === 'logoutAll') await client.auth.logoutAll.mutate();
      if (end === 'changePassword') {
        await client.auth.changePassword.mutate({
          currentPassword: signup.password,
          newPassword: `${signup.password}x`,
        });
      }
      revoked.push(tokens.accessToken);
    }

    // Act: deliver the storm; once a third has been answered, Redis dies and comes back empty.
    const storm = emulator.flushWebhooks({ shuffle: true, duplicate: true });
    await vi.waitFor(() => expect(emulator.deliveries.length).toBeGreaterThan(ORGANIZATIONS), {
      timeout: 20_000,
      interval: 20,
    });
    await redis.restart();
    const backAt = Date.now();
    const deliveries = await storm;

    // Assert: every accepted event processed, within the bound, without restarting anything else.
    expect(deliveries.every((delivery) => delivery.status === 200)).toBe(true);
    await vi.waitFor(
      async () => {
        const pending: { count: string }[] = await db('stripeEvents').whereIn('status', ['pending', 'failed']).count();
        expect(Number(pending[0]?.count)).toBe(0);
      },
      { timeout: RECOVERY_BOUND_MS, interval: 100 },
    );
    expect(Date.now() - backAt).toBeLessThan(RECOVERY_BOUND_MS);
    const stored: { count: string }[] = await db('stripeEvents').count();
    expect(Number(stored[0]?.count)).toBe(new Set(deliveries.map((delivery) => delivery.eventId)).size);
    await worker.waitForLog((line) => String(line.msg).startsWith('schedules were missing from Redis'));

    for (const { token, organizationId, canceled } of organizations) {
      for (const url of [first, second]) {
        const dashboard = apiClient(url, { token }).analytics.dashboard.query({ organizationId });
        if (canceled) expect((await failureOf(dashboard)).data?.code).toBe('PAYMENT_REQUIRED');
        else expect((await dashboard).plan).toBe('pro');
      }
    }
    for (const token of revoked) {
      for (const url of [first, second]) {
        expect((await failureOf(apiClient(url, { token }).auth.me.query())).data?.code).toBe('UNAUTHORIZED');
      }
    }
  });
});
