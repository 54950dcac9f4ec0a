import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { testConfig } from '../../../../test/support/test-env.js';
import { useTestDatabase } from '../../../../test/support/use-test-database.js';
import { buildSignup } from '../testing/http.js';
import { startTestApi, type TestApi } from '../testing/start-test-api.js';

const database = useTestDatabase();

describe('API docs and the REST view', () => {
  let api: TestApi;
  beforeAll(async () => {
    // A webhook secret, so the webhook route verifies signatures (without one it answers 503).
    api = await startTestApi(
      testConfig({
        DATABASE_URL: database.url,
        STRIPE_SECRET_KEY: 'sk_test_docs',
        STRIPE_WEBHOOK_SECRET: 'whsec_docs',
      }),
    );
  });
  afterAll(async () => {
    await api.close();
  });

  test('when /openapi.json is fetched, then it documents auth, organizations with invitations and members, billing, analytics and the Stripe webhook', async () => {
    const document = (await (await fetch(`${api.url}/openapi.json`)).json()) as {
      openapi: string;
      paths: Record<string, Record<string, { security?: unknown[] }>>;
    };

    expect(document.openapi).toMatch(/^3\./);
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/auth/signup',
        '/auth/login',
        '/auth/refresh',
        '/auth/me',
        '/auth/delete-account',
        '/auth/request-email-change',
        '/auth/confirm-email-change',
        '/billing/plans',
        '/billing/checkout-sessions',
        '/analytics/dashboard',
        '/webhooks/stripe',
        '/organizations/{organizationId}/invitations',
        '/organizations/{organizationId}/invitations/{invitationId}/revoke',
        '/organizations/{organizationId}/invitations/{invitationId}/resend',
        '/invitations/accept',
        '/invitations/accept-with-signup',
        '/organizations/{organizationId}/members/{userId}/remove',
        '/organizations/{organizationId}/members/{userId}/role',
        '/organizations/{organizationId}/leave',
        '/organizations/{organizationId}/transfer-ownership',
      ]),
    );
    expect(document.paths['/auth/me']?.get?.security).toEqual([{ Authorization: [] }]);
    expect(Object.keys(document.paths['/organizations/{organizationId}/invitations'] ?? {}).sort()).toEqual([
      'get',
      'post',
    ]);
  });

  test('when /openapi.json is fetched, then the API key scheme is documented and offered only where a key is accepted', async () => {
    const document = (await (await fetch(`${api.url}/openapi.json`)).json()) as {
      components: { securitySchemes: Record<string, { scheme: string }> };
      paths: Record<string, Record<string, { security?: unknown[] }>>;
    };

    expect(document.components.securitySchemes.ApiKey?.scheme).toBe('bearer');
    expect(document.paths['/analytics/limits']?.get?.security).toEqual([{ Authorization: [] }, { ApiKey: [] }]);
    expect(document.paths['/organizations/{organizationId}/members']?.get?.security).toContainEqual({ ApiKey: [] });
    expect(document.paths['/organizations/{organizationId}/api-keys']?.post?.security).toEqual([{ Authorization: [] }]);
    expect(document.paths['/auth/me']?.get?.security).toEqual([{ Authorization: [] }]);
  });

  test('when each documented operation is called at its documented server, then a route answers (never a 404)', async () => {
    const document = (await (await fetch(`${api.url}/openapi.json`)).json()) as {
      servers: { url: string }[];
      paths: Record<string, { servers?: { url: string }[] } & Record<string, unknown>>;
    };
    const operations = Object.entries(document.paths).flatMap(([path, item]) => {
      const server = (item.servers ?? document.servers)[0]?.url ?? '';
      const methods = Object.keys(item).filter((key) => ['get', 'post', 'put', 'patch', 'delete'].includes(key));
      const url = `${api.url}${server.replace(/\/$/, '')}${path.replaceAll(/\{\w+\}/g, crypto.randomUUID())}`;
      return methods.map((method) => ({ method: method.toUpperCase(), url }));
    });

    const answers = await Promise.all(
      operations.map(async ({ method, url }) => {
        const response = await fetch(url, {
          method,
          ...(method === 'GET' ? {} : { headers: { 'content-type': 'application/json' }, body: '{}' }),
        });
        return { method, url: url.slice(api.url.length), status: response.status };
      }),
    );

    expect(answers.filter((answer) => answer.status === 404)).toEqual([]);
    expect(answers).toContainEqual({ method: 'POST', url: '/webhooks/stripe', status: 400 }); // the signature check
  });

  test('when a non-TypeScript client uses the REST view, then signup, me and the plan gate behave as over tRPC', async () => {
    const signup = await fetch(`${api.url}/api/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(buildSignup()),
    });
    const { tokens } = (await signup.json()) as { tokens: { accessToken: string } };
    const me = await fetch(`${api.url}/api/auth/me`, { headers: { authorization: `Bearer ${tokens.accessToken}` } });
    const { memberships } = (await me.json()) as { memberships: { organization: { id: string } }[] };
    const gated = await fetch(
      `${api.url}/api/analytics/dashboard?organizationId=${memberships[0]?.organization.id ?? ''}`,
      {
        headers: { authorization: `Bearer ${tokens.accessToken}` },
      },
    );
    const anonymous = await fetch(`${api.url}/api/auth/me`);

    expect(signup.status).toBe(200);
    expect(me.status).toBe(200);
    expect(gated.status).toBe(402);
    expect(anonymous.status).toBe(401);
  });

  test('when /docs is opened, then the page and its locally served assets load under the strict CSP', async () => {
    const page = await fetch(`${api.url}/docs`);
    const bundle = await fetch(`${api.url}/docs/assets/swagger-ui-bundle.js`);
    const init = await fetch(`${api.url}/docs/init.js`);

    expect(page.status).toBe(200);
    expect(await page.text()).not.toMatch(/<script>[^<]/);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(bundle.status).toBe(200);
    expect(await init.text()).toContain("url: '/openapi.json'");
  });
});
