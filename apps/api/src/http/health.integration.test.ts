import { createServer } from 'node:net';

import { createDb, listMigrationFiles, migrateLatest } from '@groundwork/db';
import { startStripeEmulator, type StripeEmulator } from '@groundwork/stripe-emulator';
import { afterEach, describe, expect, test } from 'vitest';

import { createDatabase, dropDatabase } from '../../../../test/support/postgres-admin.js';
import { fetchReady, readyUntil } from '../../../../test/support/ready-probe.js';
import {
  databaseUrl,
  PROJECT_MIGRATIONS_DIR,
  TEST_REDIS_URL,
  testConfig,
  uniqueName,
} from '../../../../test/support/test-env.js';
import { useTestDatabase } from '../../../../test/support/use-test-database.js';
import { startTestApi, type TestApi } from '../testing/start-test-api.js';

const database = useTestDatabase();

/** A port that was free a moment ago and has nothing listening: connections to it are refused. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('health and readiness', () => {
  let api: TestApi | undefined;
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    await api?.close();
    api = undefined;
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  test('when PostgreSQL and Redis answer and the schema is current, then /ready is 200 and names each check', async () => {
    api = await startTestApi(testConfig({ DATABASE_URL: database.url }));

    const response = await fetch(`${api.url}/ready`);

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: 'ready',
      checks: { postgres: 'ok', redis: 'ok', migrations: 'ok', stripe: 'degraded: not configured' },
    });
  });

  test('when Redis is down, then /ready is 503 naming redis while /health stays 200', async () => {
    const redisUrl = new URL(TEST_REDIS_URL);
    redisUrl.port = String(await deadPort());
    api = await startTestApi(testConfig({ DATABASE_URL: database.url, REDIS_URL: redisUrl.toString() }), {
      waitForRedis: false,
    });

    const ready = await fetch(`${api.url}/ready`);
    const health = await fetch(`${api.url}/health`);

    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({
      status: 'unavailable',
      checks: { postgres: 'ok', redis: 'failed', migrations: 'ok' },
    });
    expect(health.status).toBe(200);
  });

  test('when PostgreSQL is down, then /ready is 503 naming postgres', async () => {
    const dbUrl = new URL(database.url);
    dbUrl.port = String(await deadPort());
    api = await startTestApi(testConfig({ DATABASE_URL: dbUrl.toString() }));

    const ready = await fetch(`${api.url}/ready`);

    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({
      status: 'unavailable',
      checks: { postgres: 'failed', redis: 'ok', migrations: 'failed' },
    });
    await api.logs.waitFor((line) => line.msg === 'readiness check failed' && line.dependency === 'postgres');
  });

  test('when a dependency hangs, then /ready answers 503 within the check timeout', async () => {
    // A listener that accepts connections and never answers: the worst kind of outage.
    const blackHole = createServer(() => undefined);
    await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
    const redisUrl = new URL(TEST_REDIS_URL);
    redisUrl.port = String((blackHole.address() as { port: number }).port);
    api = await startTestApi(
      testConfig({ DATABASE_URL: database.url, REDIS_URL: redisUrl.toString(), READY_CHECK_TIMEOUT_MS: '300' }),
      { waitForRedis: false },
    );

    const started = Date.now();
    const ready = await fetch(`${api.url}/ready`);

    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ checks: { redis: 'failed' } });
    expect(Date.now() - started).toBeLessThan(5_000);
    blackHole.close();
  });

  test('when the process is draining, then /ready is 503 and responses ask to close the connection', async () => {
    api = await startTestApi(testConfig({ DATABASE_URL: database.url }));
    api.startDraining();

    const ready = await fetch(`${api.url}/ready`);

    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: 'draining' });
    expect(ready.headers.get('connection')).toBe('close');
  });

  test('when the database has none of the migrations, then /ready is 503 naming them, and 200 once they are applied, without a restart', async () => {
    const name = uniqueName('gwt_behind_');
    await createDatabase(name);
    cleanups.push(() => dropDatabase(name));
    const expected = (await listMigrationFiles(PROJECT_MIGRATIONS_DIR)).map((migration) => migration.name);
    api = await startTestApi(testConfig({ DATABASE_URL: databaseUrl(name), MIGRATION_CHECK_INTERVAL_MS: '100' }));

    const behind = await fetchReady(api.url);
    const logged = await api.logs.waitFor((line) => line.check === 'migrations' && line.level === 'error');
    const migrator = createDb({ ...api.config.db, pool: { min: 0, max: 1 } });
    cleanups.push(() => migrator.destroy());
    await migrateLatest(migrator, PROJECT_MIGRATIONS_DIR);
    const caughtUp = await readyUntil(api.url, (answer) => answer.status === 200);

    expect(behind.status).toBe(503);
    expect(behind.body).toMatchObject({
      status: 'unavailable',
      checks: { postgres: 'ok', redis: 'ok', migrations: `pending: ${expected.join(', ')}` },
    });
    expect(expected).toContain('20261129120000_billing.ts');
    expect(logged.msg).toContain('20261129120000_billing.ts');
    expect(caughtUp.body).toMatchObject({ status: 'ready', checks: { migrations: 'ok' } });
  });

  describe('stripe (reported, never gating)', () => {
    async function emulator(options: { secretKey?: string } = {}): Promise<StripeEmulator> {
      const started = await startStripeEmulator(options);
      cleanups.push(() => started.close());
      return started;
    }
    const stripeEnv = (apiBase: string, secretKey = 'sk_test_groundwork_health') => ({
      DATABASE_URL: database.url,
      STRIPE_SECRET_KEY: secretKey,
      STRIPE_API_BASE: apiBase,
    });
    const checked = (answer: { body: { checks: Record<string, string> } }) => answer.body.checks.stripe !== 'unknown';

    test('when the emulator answers and accepts the key, then stripe is ok', async () => {
      const stripe = await emulator({ secretKey: 'sk_test_groundwork_health' });
      api = await startTestApi(testConfig(stripeEnv(stripe.url)));

      const answer = await readyUntil(api.url, checked);

      expect(answer.status).toBe(200);
      expect(answer.body.checks.stripe).toBe('ok');
    });

    test('when Stripe refuses the key, then stripe is degraded without the key in the answer, and /ready stays 200', async () => {
      const stripe = await emulator({ secretKey: 'sk_test_the_right_key' });
      api = await startTestApi(testConfig(stripeEnv(stripe.url, 'sk_test_a_wrong_key')));

      const answer = await readyUntil(api.url, checked);

      expect(answer.status).toBe(200);
      expect(answer.body.checks.stripe).toBe('degraded: invalid API key');
      expect(JSON.stringify(answer.body)).not.toContain('wrong_key');
      await api.logs.waitFor((line) => line.check === 'stripe' && line.level === 'warn');
    });

    test('when Stripe is unreachable, then stripe is degraded and /ready stays 200', async () => {
      api = await startTestApi(testConfig(stripeEnv(`http://127.0.0.1:${await deadPort()}`)));

      const answer = await readyUntil(api.url, checked);

      expect(answer.status).toBe(200);
      expect(answer.body.checks.stripe).toBe('degraded: unreachable');
    });
  });
});
