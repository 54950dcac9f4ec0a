import type { Config } from '@groundwork/config';
import { createLogger } from '@groundwork/core';
import { createDb, type Knex } from '@groundwork/db';
import { startStripeEmulator, type StripeEmulator } from '@groundwork/stripe-emulator';

import { createWorkerRuntime } from '../../apps/worker/src/runtime.js';
import { redisReady } from './redis-ready.js';
import { testConfig, uniqueKeyPrefix } from './test-env.js';

export const TEST_WEBHOOK_SECRET = 'whsec_groundwork_tests';

/** Settings that point billing at a local emulator. */
export function billingEnv(emulator: StripeEmulator): Record<string, string> {
  return {
    STRIPE_SECRET_KEY: 'sk_test_groundwork_tests',
    STRIPE_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
    STRIPE_API_BASE: emulator.url,
    STRIPE_PRICE_PRO_YEARLY: 'price_pro_yearly',
    STRIPE_PRICE_BUSINESS_YEARLY: 'price_business_yearly',
  };
}

/**
 * The worker half of the product, in this process: the production worker
 * runtime (processors, schedules, metrics, health server) against the test
 * database, Redis and the emulator.
 */
export async function startTestWorker(config: Config) {
  const logger = createLogger({ service: 'worker-test', level: process.env.TEST_WORKER_LOG_LEVEL ?? 'silent' });
  const runtime = createWorkerRuntime({ config, logger });
  const { db, running, producers } = runtime;
  const listeners = new Set<() => void>();
  for (const worker of running.workers) {
    worker.on('completed', () => listeners.forEach((notify) => notify()));
    worker.on('failed', () => listeners.forEach((notify) => notify()));
  }
  await redisReady(runtime.redis);

  /** Resolves when every named event is processed or ignored (checked again after each finished job). */
  async function eventsSettled(eventIds: string[]): Promise<void> {
    const distinct = [...new Set(eventIds)];
    // Settled means: the row says processed or ignored, and the job (if any) has finished, so
    // what happens after the commit (the entitlement announcement, the span's end) has happened too.
    const unsettled = async () => {
      const rows: { id: string }[] = await db('stripeEvents')
        .whereIn('id', distinct)
        .whereIn('status', ['processed', 'ignored'])
        .select('id');
      let left = distinct.length - rows.length;
      for (const { id } of rows) {
        const job = await producers.stripeEvents.queue.getJob(id);
        if (job && !['completed', 'failed'].includes(await job.getState())) left += 1;
      }
      return left;
    };
    if ((await unsettled()) === 0) return;
    await new Promise<void>((resolve, reject) => {
      const check = () => {
        unsettled().then(
          (left) => {
            if (left > 0) return;
            listeners.delete(check);
            resolve();
          },
          (error: unknown) => reject(error as Error),
        );
      };
      listeners.add(check);
      check();
    });
  }

  return {
    db,
    redis: runtime.redis,
    billing: runtime.billing,
    enqueueEvent: runtime.enqueueEvent,
    requeueOrganizationDeletion: runtime.requeueOrganizationDeletion,
    running,
    producers,
    schedules: runtime.schedules,
    /** Serves the worker's /health, /ready and /metrics (on any free port). */
    listen: () => runtime.listen(0, '127.0.0.1'),
    eventsSettled,
    close: () => runtime.close(),
  };
}

export type TestWorker = Awaited<ReturnType<typeof startTestWorker>>;

/** Config for one test: its database, a fresh key prefix, billing on the emulator. */
export function billingTestConfig(
  databaseUrl: string,
  emulator: StripeEmulator,
  extra: Record<string, string> = {},
): Config {
  return testConfig({
    DATABASE_URL: databaseUrl,
    REDIS_KEY_PREFIX: uniqueKeyPrefix(),
    ...billingEnv(emulator),
    ...extra,
  });
}

export { startStripeEmulator };

/**
 * The billing stack of one test file: the emulator, an API and the worker's
 * processors sharing one configuration, the emulator's webhooks pointed at
 * the API. `reconciled` waits until every accepted delivery is processed.
 * `extra` settings override the test defaults (EMAIL_DELIVERY=disabled, say).
 */
export async function startBillingStack(databaseUrl: string, extra: Record<string, string> = {}) {
  const emulator = await startStripeEmulator();
  const config = billingTestConfig(databaseUrl, emulator, extra);
  const { startTestApi } = await import('../../apps/api/src/testing/start-test-api.js');
  const api = await startTestApi(config);
  const worker = await startTestWorker(config);
  const webhookTarget = { url: `${api.url}/webhooks/stripe`, secret: TEST_WEBHOOK_SECRET };
  emulator.setWebhookTarget(webhookTarget);
  return {
    emulator,
    config,
    api,
    worker,
    webhookTarget,
    async reconciled() {
      await emulator.webhooksSettled();
      await worker.eventsSettled(emulator.deliveries.filter((d) => d.status === 200).map((d) => d.eventId));
    },
    async close() {
      await worker.close();
      await api.close();
      await emulator.close();
    },
  };
}

export type BillingStack = Awaited<ReturnType<typeof startBillingStack>>;

/** A small connection pool to the test database, for tests that read or arrange rows directly. */
export function testDb(url: string): Knex {
  return createDb({
    url,
    pool: { min: 0, max: 4 },
    idleTimeoutMs: 1_000,
    statementTimeoutMs: 10_000,
    connectTimeoutMs: 3_000,
  });
}
