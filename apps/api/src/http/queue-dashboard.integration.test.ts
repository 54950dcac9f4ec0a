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
    const connection = createWorkerRedis(api.config.redis, createLogger({ service: 't', level: 'silent' }));
    const prefix = bullPrefix(api.config.redis.keyPrefix, connection.isCluster);
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
    expect(listed.queues.map((entry) => entry.name).sort()).toEqual([
      'billing',
      'emails',
      'housekeeping',
      'stripe-events',
    ]);
    expect(listed.queues.find((entry) => entry.name === 'stripe-events')?.counts.failed).toBe(1);
    expect(retry.status).toBe(200);
    expect(await (await queue.getJob('evt_dashboard_test'))?.getState()).toBe('waiting');
    await queue.obliterate({ force: true });
    await queue.close();
    connection.disconnect();
  });

  test('when an operator opens the page, then it carries the same security headers as the API and needs nothing they forbid', async () => {
    const auth = { authorization: basic(OPERATOR.username, OPERATOR.password) };

    const page = await fetch(`${api.url}/admin/queues`, { headers: auth });
    const html = await page.text();
    const csp = page.headers.get('content-security-policy') ?? '';
    const scripts = [...html.matchAll(/<script([^>]*)>/g)].map((match) => match[1] ?? '');
    const sources = scripts.flatMap((attributes) => /src="([^"]+)"/.exec(attributes)?.[1] ?? []);
    const loaded = await Promise.all(
      sources.map((src) => fetch(new URL(src, `${api.url}/admin/queues/`), { headers: auth })),
    );

    expect(page.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(csp).toContain("frame-ancestors 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('strict-transport-security')).toMatch(/max-age=31536000; includeSubDomains/);
    expect(page.headers.has('x-powered-by')).toBe(false);
    // script-src 'self' holds only if every executable script is a same-origin file (a JSON data block is not run).
    for (const attributes of scripts) expect(attributes).toMatch(/src="static\/|type="application\/json"/);
    expect(sources.length).toBeGreaterThan(0);
    for (const response of loaded) {
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/javascript/); // nosniff blocks anything else
    }
  });

  describe('when a state-changing request arrives with valid operator credentials', () => {
    const auth = { authorization: basic(OPERATOR.username, OPERATOR.password) };
    const addJob = (headers: Record<string, string>) =>
      fetch(`${api.url}/admin/queues/api/queues/housekeeping/add`, {
        method: 'POST',
        headers: { ...auth, ...headers },
        body: JSON.stringify({ name: 'dashboard-test', data: {} }),
      });
    const jobCount = async () => {
      const listed = (await (await fetch(`${api.url}/admin/queues/api/queues`, { headers: auth })).json()) as {
        queues: { name: string; counts: Record<string, number> }[];
      };
      const counts = listed.queues.find((entry) => entry.name === 'housekeeping')?.counts ?? {};
      return Object.values(counts).reduce((sum, count) => sum + count, 0);
    };

    test.each([
      ['Sec-Fetch-Site says cross-site', { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' }],
      ['Sec-Fetch-Site says same-site', { 'sec-fetch-site': 'same-site', origin: 'https://sub.example' }],
      ['only a foreign Origin is sent', { origin: 'https://evil.example' }],
    ])('from another site (%s), then it is refused with 403 and no job is added', async (_case, headers) => {
      const before = await jobCount();

      const response = await addJob({ 'content-type': 'text/plain', ...headers });

      expect(response.status).toBe(403);
      expect(await response.json()).toEqual({ error: { code: 'FORBIDDEN', message: expect.any(String) as string } });
      expect(await jobCount()).toBe(before);
    });

    test.each([
      ['Sec-Fetch-Site says same-origin', () => ({ 'sec-fetch-site': 'same-origin', origin: api.url })],
      ['only the API’s own Origin is sent', () => ({ origin: api.url })],
      ['neither is sent (curl)', () => ({})],
    ])('from the dashboard itself (%s), then the job is added', async (_case, headers) => {
      const before = await jobCount();

      const response = await addJob({ 'content-type': 'application/json', ...headers() });

      expect(response.status).toBe(200);
      expect(await jobCount()).toBe(before + 1);
    });
  });
});
