import { createServer } from 'node:net';

import { afterEach, describe, expect, test } from 'vitest';

import { TEST_REDIS_URL, testConfig } from '../../../../test/support/test-env.js';
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
  afterEach(async () => {
    await api?.close();
    api = undefined;
  });

  test('when PostgreSQL and Redis answer, then /ready is 200 and names both as ok', async () => {
    api = await startTestApi(testConfig({ DATABASE_URL: database.url }));

    const response = await fetch(`${api.url}/ready`);

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ready', checks: { postgres: 'ok', redis: 'ok' } });
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
    expect(await ready.json()).toEqual({ status: 'unavailable', checks: { postgres: 'ok', redis: 'failed' } });
    expect(health.status).toBe(200);
  });

  test('when PostgreSQL is down, then /ready is 503 naming postgres', async () => {
    const dbUrl = new URL(database.url);
    dbUrl.port = String(await deadPort());
    api = await startTestApi(testConfig({ DATABASE_URL: dbUrl.toString() }));

    const ready = await fetch(`${api.url}/ready`);

    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: 'unavailable', checks: { postgres: 'failed', redis: 'ok' } });
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
});
