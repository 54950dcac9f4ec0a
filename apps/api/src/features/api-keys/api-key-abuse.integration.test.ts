import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { testConfig } from '../../../../../test/support/test-env.js';
import { useTestDatabase } from '../../../../../test/support/use-test-database.js';
import { apiClient, failureOf } from '../../testing/http.js';
import { startTestApi, type TestApi } from '../../testing/start-test-api.js';
import { generateApiKey } from './api-key-secret.js';
import { apiKeyStatementsDuring, ownerWithOrganization } from './api-keys-test-support.js';

const database = useTestDatabase();
/** Above what setting up two owners takes from the address's own limit (two calls each). */
const KEY_LIMIT = 10;

/** An owner and a key of their organization, made through the services. */
async function keyOf(api: TestApi, scopes: ('read' | 'write')[]) {
  const caller = await ownerWithOrganization(api);
  const request = { ip: '198.51.100.7', userAgent: null, requestId: 'test' };
  const { key } = await api.services.apiKeys.create(
    { userId: caller.userId, request },
    { organizationId: caller.organizationId, name: 'abuse', scopes },
  );
  return { ...caller, key, byKey: apiClient(api.url, { token: key }) };
}

describe('API key abuse', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi(testConfig({ DATABASE_URL: database.url }));
  });
  afterAll(async () => {
    await api.close();
  });

  test('when a read-only key calls a mutation, then FORBIDDEN naming the write scope', async () => {
    const { organizationId, byKey } = await keyOf(api, ['read']);

    const refused = await failureOf(byKey.billing.syncCheckout.mutate({ organizationId, sessionId: 'cs_test_x' }));

    expect(refused.data?.code).toBe('FORBIDDEN');
    expect(refused.message).toContain('write');
  });

  test('when a write-only key calls a query, then FORBIDDEN naming the read scope', async () => {
    const { organizationId, byKey } = await keyOf(api, ['write']);

    const refused = await failureOf(byKey.organizations.members.query({ organizationId }));

    expect(refused.data?.code).toBe('FORBIDDEN');
    expect(refused.message).toContain('read');
  });

  test('when a key of organization A names organization B, then FORBIDDEN NOT_A_MEMBER, as for a non-member', async () => {
    const a = await keyOf(api, ['read']);
    const b = await keyOf(api, ['read']);

    const refused = await failureOf(a.byKey.organizations.members.query({ organizationId: b.organizationId }));

    expect(refused.data).toMatchObject({ code: 'FORBIDDEN', details: { reason: 'NOT_A_MEMBER' } });
  });

  test('when a key calls key management, auth, admin or billing session procedures, then FORBIDDEN and no key is minted', async () => {
    const { organizationId, byKey } = await keyOf(api, ['read', 'write']);

    const refusals = await Promise.all([
      failureOf(byKey.apiKeys.create.mutate({ organizationId, name: 'escalate', scopes: ['read', 'write'] })),
      failureOf(byKey.apiKeys.list.query({ organizationId })),
      failureOf(byKey.auth.me.query()),
      failureOf(byKey.auth.logoutAll.mutate()),
      failureOf(byKey.organizations.rename.mutate({ organizationId, name: 'taken over' })),
      failureOf(byKey.organizations.get.query({ organizationId })),
      failureOf(byKey.billing.createPortalSession.mutate({ organizationId })),
    ]);

    expect(refusals.map((refusal) => refusal.data?.code)).toEqual(Array(refusals.length).fill('FORBIDDEN'));
    expect(await api.db('api_keys').where({ organizationId })).toHaveLength(1);
  });

  test('when malformed keys are presented, then UNAUTHORIZED without any api_keys query', async () => {
    const { organizationId, key } = await keyOf(api, ['read']);
    const malformed = [
      `${key.slice(0, -1)}${key.endsWith('a') ? 'b' : 'a'}`,
      'gw_test_nope',
      generateApiKey('live').key,
    ];

    const statements = await apiKeyStatementsDuring(api, async () => {
      for (const token of malformed) {
        const refused = await failureOf(apiClient(api.url, { token }).organizations.members.query({ organizationId }));
        expect(refused.data?.code).toBe('UNAUTHORIZED');
      }
    });

    expect(statements).toEqual([]);
  });

  test('when one well-formed unknown key is presented again and again, then the database is asked once', async () => {
    const { organizationId } = await keyOf(api, ['read']);
    const unknown = apiClient(api.url, { token: generateApiKey('test').key });

    const statements = await apiKeyStatementsDuring(api, async () => {
      for (let call = 0; call < 3; call += 1) {
        const refused = await failureOf(unknown.organizations.members.query({ organizationId }));
        expect(refused.data?.code).toBe('UNAUTHORIZED');
      }
    });

    expect(statements).toHaveLength(1);
  });
});

describe('API key rate limit', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi(testConfig({ DATABASE_URL: database.url, RATE_LIMIT_DEFAULT: `${KEY_LIMIT}/minute` }));
  });
  afterAll(async () => {
    await api.close();
  });

  test('when a key uses up its limit, then it gets TOO_MANY_REQUESTS while another key from the same address still works', async () => {
    const first = await keyOf(api, ['read']);
    const second = await keyOf(api, ['read']);
    for (let call = 0; call < KEY_LIMIT; call += 1) {
      await first.byKey.organizations.members.query({ organizationId: first.organizationId });
    }

    const refused = await failureOf(first.byKey.organizations.members.query({ organizationId: first.organizationId }));
    const other = await second.byKey.organizations.members.query({ organizationId: second.organizationId });

    expect(refused.data?.code).toBe('TOO_MANY_REQUESTS');
    expect(other).toHaveLength(1);
  });
});

describe('API keys of a live deployment', () => {
  let api: TestApi;
  beforeAll(async () => {
    // A live Stripe key pointed at nothing: the keys' prefix follows the mode; no Stripe call is made here.
    const config = testConfig({
      DATABASE_URL: database.url,
      STRIPE_SECRET_KEY: 'sk_live_not_a_real_key',
      STRIPE_API_BASE: 'http://127.0.0.1:9',
    });
    api = await startTestApi(config);
  });
  afterAll(async () => {
    await api.close();
  });

  test('when the Stripe key is live, then keys are gw_live_ and a gw_test_ key is refused before any lookup', async () => {
    const { organizationId, key, byKey } = await keyOf(api, ['read']);
    const testKey = apiClient(api.url, { token: generateApiKey('test').key });

    const members = await byKey.organizations.members.query({ organizationId });
    const statements = await apiKeyStatementsDuring(api, async () => {
      const refused = await failureOf(testKey.organizations.members.query({ organizationId }));
      expect(refused.data?.code).toBe('UNAUTHORIZED');
    });

    expect(key).toMatch(/^gw_live_/);
    expect(members).toHaveLength(1);
    expect(statements).toEqual([]);
  });
});
