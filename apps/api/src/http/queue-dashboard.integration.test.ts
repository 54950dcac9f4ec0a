import { createLogger } from '@groundwork/core';
import { bullPrefix, createWorkerRedis } from '@groundwork/queue';
import { Queue, Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { testConfig } from '../../../../test/support/test-env.js';
import { useTestDatabase } from '../../../../test/support/use-test-database.js';
import { startTestApi, type TestApi } from '../testing/start-test-api.js';

const database = useTestDatabase();
const OPERATOR = { username: 'operator', password: 'q7Vh2LmX9pRt4sWz8NbK' };
const basic = (username: string, password: string) =>
  `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;

describe('the queue dashboard at /admin/queues', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi(
      testConfig({ DATABASE_URL: database.url, ADMIN_USERNAME: OPERATOR.username, ADMIN_PASSWORD: OPERATOR.password }),
    );
  });
  afterAll(async () => {
    await api.close();
  });

  test('when no or wrong operator credentials are sent, then 401 with a login prompt', async () => {
    const anonymous = await fetch(`${api.url}/admin/queues`);
    const wrong = await fetch(`${api.url}/admin/queues/api/queues`, {
      headers: { authorization: basic('operator', 'guess-guess-guess') },
    });

    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic/);
    expect(wrong.status).toBe(401);
  });

  test('when an operator looks, then every queue shows, a failed (dead-letter) job can be re-driven from there', async () => {
    const auth = { authorization: basic(OPERATOR.username, OPERATOR.password) };
    const connection = createWorkerRedis(api.config.redis.url, createLogger({ service: 't', level: 'silent' }));
    const prefix = bullPrefix(api.config.redis.keyPrefix);
    const queue = new Queue('stripe-events', { connection, prefix });
    const failing = new Worker('stripe-events', async () => Promise.reject(new Error('boom')), { connection, prefix });
    const failed = new Promise<void>((resolve) => failing.once('failed', () => resolve()));
    await queue.add('stripe-event', { eventId: 'evt_dashboard_test' }, { jobId: 'evt_dashboard_test', attempts: 1 });
    await failed;
    await failing.close();

    const page = await fetch(`${api.url}/admin/queues`, { headers: auth });
    const listed = (await (await fetch(`${api.url}/admin/queues/api/queues`, { headers: auth })).json()) as {
      queues: { name: string; counts: Record<string, number> }[];
    };
    const retry = await fetch(`${api.url}/admin/queues/api/queues/stripe-events/retry/failed`, {
      method: 'PUT',
      headers: auth,
    });

    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<html');
    expect(listed.queues.map((entry) => entry.name).sort()).toEqual(['billing', 'housekeeping', 'stripe-events']);
    expect(listed.queues.find((entry) => entry.name === 'stripe-events')?.counts.failed).toBe(1);
    expect(retry.status).toBe(200);
    expect(await (await queue.getJob('evt_dashboard_test'))?.getState()).toBe('waiting');
    await queue.obliterate({ force: true });
    await queue.close();
    connection.disconnect();
  });
});
