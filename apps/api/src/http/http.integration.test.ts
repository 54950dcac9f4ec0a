import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { testConfig } from '../../../../test/support/test-env.js';
import { useTestDatabase } from '../../../../test/support/use-test-database.js';
import { startTestApi, type TestApi } from '../testing/start-test-api.js';

const database = useTestDatabase();

describe('HTTP surface', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi(
      testConfig({ DATABASE_URL: database.url, CORS_ORIGINS: 'https://app.example.com', TRPC_MAX_BATCH_SIZE: '3' }),
    );
  });
  afterAll(async () => {
    await api.close();
  });

  test('when a request carries an acceptable x-request-id, then the response and the log line carry the same id', async () => {
    const response = await fetch(`${api.url}/trpc/system.status`, { headers: { 'x-request-id': 'client-req-42' } });

    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe('client-req-42');
    const line = await api.logs.waitFor(
      (entry) => entry.msg === 'request completed' && entry.reqId === 'client-req-42',
    );
    expect(line).toMatchObject({ req: { method: 'GET', path: '/trpc/system.status' }, res: { statusCode: 200 } });
  });

  test('when no or an unsafe x-request-id arrives, then a fresh uuid is generated', async () => {
    const plain = await fetch(`${api.url}/health`);
    const forged = await fetch(`${api.url}/health`, {
      headers: { 'x-request-id': `${'x'.repeat(200)} "level":"fatal"` },
    });

    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    expect(plain.headers.get('x-request-id')).toMatch(uuid);
    expect(forged.headers.get('x-request-id')).toMatch(uuid);
    expect(plain.headers.get('x-request-id')).not.toBe(forged.headers.get('x-request-id'));
  });

  test('when the query string holds input, then the log line keeps only the path', async () => {
    await fetch(`${api.url}/trpc/system.status?input=secret-ish`, { headers: { 'x-request-id': 'path-only-1' } });

    const line = await api.logs.waitFor((entry) => entry.reqId === 'path-only-1' && entry.msg === 'request completed');
    expect(JSON.stringify(line)).not.toContain('secret-ish');
  });

  test('when any response is sent, then security headers are set and X-Powered-By is not', async () => {
    const response = await fetch(`${api.url}/trpc/system.status`);

    expect(response.headers.get('x-powered-by')).toBeNull();
    expect(response.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  test('when an allowed origin calls, then CORS allows it with credentials; another origin gets no CORS grant', async () => {
    const allowed = await fetch(`${api.url}/trpc/system.status`, { headers: { origin: 'https://app.example.com' } });
    const foreign = await fetch(`${api.url}/trpc/system.status`, { headers: { origin: 'https://evil.example' } });

    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(allowed.headers.get('access-control-allow-credentials')).toBe('true');
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
  });

  test('when a POST body is not JSON, then it is refused with 415 before any procedure runs', async () => {
    const response = await fetch(`${api.url}/trpc/system.status`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: '{}',
    });

    expect(response.status).toBe(415);
    expect(await response.json()).toMatchObject({ error: { code: 'UNSUPPORTED_MEDIA_TYPE' } });
  });

  test('when a batch holds more calls than allowed, then it is refused without running them', async () => {
    const paths = Array.from({ length: 4 }, () => 'system.status').join(',');
    const over = await fetch(`${api.url}/trpc/${paths}?batch=1&input=${encodeURIComponent('{}')}`);
    const within = await fetch(`${api.url}/trpc/system.status,system.status?batch=1&input=${encodeURIComponent('{}')}`);

    expect(over.status).toBe(400);
    expect(JSON.stringify(await over.json())).toMatch(/batch/i);
    expect(within.status).toBe(200);
  });

  test('when an unknown route is requested, then a JSON 404 comes back', async () => {
    const response = await fetch(`${api.url}/nope`);

    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'Not found' } });
  });

  test('when malformed input reaches a procedure, then BAD_REQUEST carries flattened zod errors', async () => {
    const response = await fetch(`${api.url}/trpc/system.status?input=${encodeURIComponent('{"unexpected":1}')}`);
    const body = (await response.json()) as { error: { data: { code: string; zodError: unknown } } };

    expect(response.status).toBe(400);
    expect(body.error.data.code).toBe('BAD_REQUEST');
    expect(body.error.data.zodError).toMatchObject({ formErrors: [expect.any(String)] });
  });
});
