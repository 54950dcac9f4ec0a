import {
  createApiClient,
  createApiKeyClient,
  createMemoryTokenStore,
  errorDetails,
  isPaymentRequired,
  isRateLimited,
  isUnauthorized,
} from '@groundwork/client';
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { buildSignup } from '../../apps/api/src/testing/http.js';
import { startTestApi, type TestApi } from '../../apps/api/src/testing/start-test-api.js';
import { testConfig } from '../support/test-env.js';
import { useTestDatabase } from '../support/use-test-database.js';

const database = useTestDatabase();

/** Counts calls to auth.refresh as they leave the client. */
function countingFetch() {
  const counter = { refreshes: 0 };
  const wrapped: typeof fetch = (input, init) => {
    if (String(input instanceof Request ? input.url : input).includes('auth.refresh')) counter.refreshes += 1;
    return fetch(input, init);
  };
  return { counter, fetch: wrapped };
}

describe('the typed client against the real API over HTTP', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi(testConfig({ DATABASE_URL: database.url, RATE_LIMIT_SIGNUP: '3/hour' }));
  });
  afterAll(async () => {
    await api.close();
  });

  async function signedInClient(onSessionExpired: () => void = () => undefined) {
    const tokenStore = createMemoryTokenStore();
    const { counter, fetch } = countingFetch();
    const client = createApiClient({ url: api.url, tokenStore, onSessionExpired, fetch });
    const { tokens, user } = await client.auth.signup.mutate(buildSignup());
    await tokenStore.set({ accessToken: tokens.accessToken, refreshToken: tokens.refreshToken ?? '' });
    return { client, tokenStore, counter, user, tokens };
  }

  /** The same token, but expired: what a client holds after 15 idle minutes. */
  function expired(accessToken: string): string {
    const { secret, keyId } = api.config.auth.jwt;
    const claims = jwt.decode(accessToken) as Record<string, unknown>;
    const now = Math.floor(Date.now() / 1000);
    return jwt.sign({ ...claims, iat: now - 1000, exp: now - 100 }, secret, {
      algorithm: 'HS256',
      header: { alg: 'HS256', typ: 'at+jwt', kid: keyId },
    });
  }

  test('when the access token expires during a burst of parallel calls, then exactly one refresh happens and every call succeeds', async () => {
    const { client, tokenStore, counter, tokens } = await signedInClient();
    await tokenStore.set({ accessToken: expired(tokens.accessToken), refreshToken: tokens.refreshToken ?? '' });

    const results = await Promise.all([
      client.auth.me.query(),
      client.auth.sessions.query(),
      client.auth.me.query(),
      client.system.status.query(),
      client.auth.sessions.query(),
    ]);

    expect(counter.refreshes).toBe(1);
    expect(results).toHaveLength(5);
    expect((await tokenStore.get())?.accessToken).not.toBe(tokens.accessToken);
  });

  test('when the session was revoked elsewhere, then the refresh fails once, onSessionExpired fires once and calls fail as UNAUTHORIZED', async () => {
    let expirations = 0;
    const { client, tokenStore, counter, tokens } = await signedInClient(() => {
      expirations += 1;
    });
    await createApiClient({
      url: api.url,
      tokenStore: createMemoryTokenStore({ accessToken: tokens.accessToken }),
    }).auth.logoutAll.mutate();

    const failures = await Promise.allSettled([client.auth.me.query(), client.auth.sessions.query()]);

    expect(failures.every((outcome) => outcome.status === 'rejected' && isUnauthorized(outcome.reason))).toBe(true);
    expect(counter.refreshes).toBe(1);
    expect(expirations).toBe(1);
    expect(await tokenStore.get()).toBeNull();
  });

  test('when a plan-gated call is refused, then isPaymentRequired says so and the details say what is needed', async () => {
    const { client } = await signedInClient();
    const organizationId = (await client.auth.me.query()).memberships[0]?.organization.id ?? '';

    const error = await client.analytics.dashboard.query({ organizationId }).catch((caught: unknown) => caught);

    expect(isPaymentRequired(error)).toBe(true);
    const details = errorDetails(error);
    expect(details?.code).toBe('PAYMENT_REQUIRED');
    if (details?.code !== 'PAYMENT_REQUIRED') return;
    expect(details).toMatchObject({ httpStatus: 402, requiredFeature: 'analytics', plan: 'free' });
    expect([details.status, details.reason]).toEqual(['none', 'no_subscription']);
  });

  test('when over a rate limit, then isRateLimited gives the delay to wait', async () => {
    const anonymous = createApiClient({ url: api.url, tokenStore: createMemoryTokenStore() });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 3 }, () => anonymous.auth.signup.mutate(buildSignup())),
    );
    const refused = outcomes.find((outcome) => outcome.status === 'rejected');

    expect(refused?.status).toBe('rejected');
    expect(isRateLimited(refused?.status === 'rejected' ? refused.reason : null)?.retryAfterMs).toBeGreaterThan(0);
  });
});

describe('the API key client against the real API over HTTP', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi(testConfig({ DATABASE_URL: database.url }));
  });
  afterAll(async () => {
    await api.close();
  });

  test("when a script uses an API key client, then its calls act on the key's organization and a revoked key fails as UNAUTHORIZED without a refresh", async () => {
    const { tokens, user } = await createApiClient({
      url: api.url,
      tokenStore: createMemoryTokenStore(),
    }).auth.signup.mutate(buildSignup());
    const owner = createApiClient({ url: api.url, tokenStore: createMemoryTokenStore(tokens) });
    const organizationId = (await owner.auth.me.query()).memberships[0]?.organization.id ?? '';
    const created = await owner.apiKeys.create.mutate({ organizationId, name: 'script', scopes: ['read'] });
    const { counter, fetch } = countingFetch();
    const script = createApiKeyClient({ url: api.url, apiKey: created.key, fetch });

    const members = await script.organizations.members.query({ organizationId });
    await owner.apiKeys.revoke.mutate({ organizationId, apiKeyId: created.id });
    const refused = await script.organizations.members.query({ organizationId }).catch((error: unknown) => error);

    expect(members.map((member) => member.userId)).toEqual([user.id]);
    expect(isUnauthorized(refused)).toBe(true);
    expect(counter.refreshes).toBe(0);
  });
});
