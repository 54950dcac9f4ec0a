/**
 * ADR 040 serves `/trpc` from node:http with tRPC's `resolveResponse` instead of tRPC's stock
 * Express adapter. Both are started here on the same database and Redis, and every request of a
 * corpus (successes, batches, streams, each kind of refusal, odd URLs, oversized and malformed
 * bodies, preflight) must get the same status, headers and body from both. Only what differs by
 * nature is set aside: the date, the request id, a new session's token values, the server's uptime,
 * and how the body is framed (the stock adapter streams it chunked; the direct one sends a length).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { testConfig } from '../../../../test/support/test-env.js';
import { useTestDatabase } from '../../../../test/support/use-test-database.js';
import { buildSignup } from '../testing/http.js';
import { startTestApi, type TestApi } from '../testing/start-test-api.js';
import { signedUp } from '../testing/teams.js';

const database = useTestDatabase();
const ORIGIN = 'https://app.example.com';

type Probe = { name: string; path: string; init?: RequestInit; auth?: boolean };

const FRAMING = new Set(['date', 'x-request-id', 'content-length', 'transfer-encoding', 'keep-alive', 'connection']);
const VOLATILE_VALUES =
  /"(accessToken|refreshToken|expiresAt|uptimeSeconds|id|createdAt|userId|sessionId|requestId|email|accessTokenExpiresAt|sessionExpiresAt)":("[^"]*"|\d+)/g;

async function answer(baseUrl: string, probe: Probe, token: string) {
  const headers = new Headers(probe.init?.headers);
  if (probe.auth) headers.set('authorization', `Bearer ${token}`);
  const response = await fetch(`${baseUrl}${probe.path}`, { ...probe.init, headers });
  const kept = [...response.headers].filter(([name]) => !FRAMING.has(name));
  const cookies = response.headers.getSetCookie().map((cookie) => cookie.replace(/=[^;]*/, '=…'));
  return {
    status: response.status,
    headers: kept.filter(([name]) => name !== 'set-cookie'),
    cookies,
    body: (await response.text()).replace(VOLATILE_VALUES, '"$1":"…"'),
  };
}

const json = (body: string, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body,
});

describe('the direct /trpc endpoint answers as the stock Express adapter (ADR 040)', () => {
  let direct: TestApi;
  let stock: TestApi;
  let token = '';
  let organizationId = '';

  beforeAll(async () => {
    const config = testConfig({
      DATABASE_URL: database.url,
      CORS_ORIGINS: ORIGIN,
      TRPC_MAX_BATCH_SIZE: '3',
      AUTH_REFRESH_COOKIE: 'true',
    });
    direct = await startTestApi(config);
    stock = await startTestApi(config, { stockTrpcAdapter: true });
    const account = await signedUp(direct.url);
    organizationId = account.organizationId;
    const login = await fetch(
      `${direct.url}/trpc/auth.login`,
      json(JSON.stringify({ email: account.user.email, password: account.password })),
    );
    token = ((await login.json()) as { result: { data: { accessToken: string } } }).result.data.accessToken;
  });
  afterAll(async () => {
    await Promise.all([direct?.close(), stock?.close()]);
  });

  const input = (value: unknown) => encodeURIComponent(JSON.stringify(value));
  const probes = (): Probe[] => [
    { name: 'a public query', path: '/trpc/system.status' },
    { name: 'a protected query', path: '/trpc/auth.me', auth: true },
    { name: 'a protected query without a token', path: '/trpc/auth.me' },
    {
      name: 'a plan-gated query without a plan',
      path: `/trpc/analytics.limits?input=${input({ organizationId })}`,
      auth: true,
    },
    {
      name: 'a query with invalid input',
      path: `/trpc/analytics.limits?input=${input({ organizationId: 7 })}`,
      auth: true,
    },
    { name: 'a query with unparsable input', path: '/trpc/analytics.limits?input=%7Bnot-json', auth: true },
    { name: 'a batch', path: `/trpc/system.status,auth.me?batch=1&input=${input({})}`, auth: true },
    { name: 'a batch past the limit', path: '/trpc/system.status,system.status,system.status,system.status?batch=1' },
    { name: 'a batch mixing types', path: '/trpc/system.status,auth.logout?batch=1' },
    {
      name: 'a streamed batch',
      path: `/trpc/system.status,auth.me?batch=1&input=${input({})}`,
      auth: true,
      init: { headers: { 'trpc-accept': 'application/jsonl' } },
    },
    { name: 'an unknown procedure', path: '/trpc/nothing.here' },
    { name: 'no procedure', path: '/trpc' },
    { name: 'a trailing slash', path: '/trpc/system.status/' },
    { name: 'an upper-case prefix', path: '/TRPC/system.status' },
    { name: 'a nested path (the last segment names the procedure)', path: '/trpc/x/system.status' },
    { name: 'a GET of a mutation', path: '/trpc/auth.login' },
    { name: 'a POST of a query', path: '/trpc/system.status', init: json('{}') },
    { name: 'a HEAD request', path: '/trpc/system.status', init: { method: 'HEAD' } },
    {
      name: 'a mutation refused by validation',
      path: '/trpc/auth.login',
      init: json(JSON.stringify({ email: 'not-an-address', password: 'x' })),
    },
    { name: 'a mutation with malformed JSON', path: '/trpc/auth.login', init: json('{"email":') },
    { name: 'a mutation with a byte-order mark', path: '/trpc/auth.login', init: json('\uFEFF{"email":"x"}') },
    { name: 'a mutation with an empty body', path: '/trpc/auth.login', init: json('') },
    { name: 'a body past the limit', path: '/trpc/auth.login', init: json(`{"email":"${'a'.repeat(110 * 1024)}"}`) },
    {
      name: 'a mutation sent as text/plain',
      path: '/trpc/auth.login',
      init: { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' },
    },
    {
      name: 'a preflight from an allowed origin',
      path: '/trpc/auth.login',
      init: { method: 'OPTIONS', headers: { origin: ORIGIN, 'access-control-request-method': 'POST' } },
    },
    {
      name: 'a call from a foreign origin',
      path: '/trpc/system.status',
      init: { headers: { origin: 'https://evil.example.com' } },
    },
    { name: 'a call from an allowed origin', path: '/trpc/system.status', init: { headers: { origin: ORIGIN } } },
    { name: 'a mutation that sets a cookie', path: '/trpc/auth.signup', init: json(JSON.stringify(buildSignup())) },
  ];

  test('every request of the corpus gets the same answer from both', async () => {
    for (const probe of probes()) {
      // A new signup per server: the same address twice would answer differently the second time.
      const forStock =
        probe.path === '/trpc/auth.signup' ? { ...probe, init: json(JSON.stringify(buildSignup())) } : probe;
      const [fromDirect, fromStock] = await Promise.all([
        answer(direct.url, probe, token),
        answer(stock.url, forStock, token),
      ]);
      expect({ probe: probe.name, ...fromDirect }).toEqual({ probe: probe.name, ...fromStock });
    }
  });

  test('the corpus exercises a Set-Cookie', async () => {
    const signup = await answer(
      direct.url,
      { name: 'signup', path: '/trpc/auth.signup', init: json(JSON.stringify(buildSignup())) },
      '',
    );

    expect(signup.cookies).toHaveLength(1);
  });

  test('a large response is sent whole, with its length', async () => {
    const response = await fetch(`${direct.url}/trpc/auth.me`, { headers: { authorization: `Bearer ${token}` } });

    expect(response.status).toBe(200);
    const body = await response.text();
    expect(Number(response.headers.get('content-length'))).toBe(Buffer.byteLength(body));
    expect(JSON.parse(body)).toMatchObject({
      result: { data: { memberships: [{ organization: { id: organizationId } }] } },
    });
  });
});
