import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { testConfig } from '../../../../test/support/test-env.js';
import { useTestDatabase } from '../../../../test/support/use-test-database.js';
import { apiClient, buildSignup, failureOf } from '../testing/http.js';
import { startTestApi, type TestApi } from '../testing/start-test-api.js';

const database = useTestDatabase();
const TOKEN = 'scrape-token-q7Vh2LmX9pRt4sWz8NbK';

describe('GET /metrics', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi(
      testConfig({
        DATABASE_URL: database.url,
        METRICS_TOKEN: TOKEN,
        RATE_LIMIT_SIGNUP: '1/hour',
        REFRESH_REUSE_GRACE_SECONDS: '0',
      }),
    );
  });
  afterAll(async () => {
    await api.close();
  });

  const scrape = (authorization?: string) =>
    fetch(`${api.url}/metrics`, { headers: authorization ? { authorization } : {} });

  test('when scraped without or with a wrong token, then 401 and no metrics', async () => {
    expect((await scrape()).status).toBe(401);
    expect((await scrape('Bearer wrong-token-of-the-same-len!!')).status).toBe(401);
  });

  test('when scraped with the token, then procedure durations by path and code, rate-limit rejections and refresh reuse are there', async () => {
    const { tokens } = await apiClient(api.url).auth.signup.mutate(buildSignup());
    await failureOf(apiClient(api.url).auth.signup.mutate(buildSignup())); // over the signup limit
    await apiClient(api.url).auth.refresh.mutate({ refreshToken: tokens.refreshToken ?? '' });
    await failureOf(apiClient(api.url).auth.refresh.mutate({ refreshToken: tokens.refreshToken ?? '' })); // reuse

    const response = await scrape(`Bearer ${TOKEN}`);
    const text = await response.text();

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(text).toMatch(
      /groundwork_trpc_procedure_duration_seconds_count\{[^}]*path="auth\.signup"[^}]*code="OK"[^}]*\} 1/,
    );
    expect(text).toMatch(/groundwork_rate_limit_rejections_total\{[^}]*path="auth\.signup"[^}]*\} 1/);
    expect(text).toMatch(/groundwork_refresh_token_reuse_total\{[^}]*\} 1/);
    expect(text).toContain('process_cpu_user_seconds_total');
  });

  test('when a call is over the default limit, then it is timed under TOO_MANY_REQUESTS and counted as a rejection', async () => {
    const limited = await startTestApi(
      testConfig({ DATABASE_URL: database.url, METRICS_TOKEN: TOKEN, RATE_LIMIT_DEFAULT: '2/minute' }),
    );
    try {
      const client = apiClient(limited.url);
      await client.system.status.query();
      await client.system.status.query();
      const refused = await failureOf(client.system.status.query());
      const text = await (
        await fetch(`${limited.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })
      ).text();

      expect(refused.data?.code).toBe('TOO_MANY_REQUESTS');
      expect(text).toMatch(
        /groundwork_trpc_procedure_duration_seconds_count\{[^}]*path="system\.status"[^}]*code="OK"[^}]*\} 2/,
      );
      expect(text).toMatch(
        /groundwork_trpc_procedure_duration_seconds_count\{[^}]*path="system\.status"[^}]*code="TOO_MANY_REQUESTS"[^}]*\} 1/,
      );
      expect(text).toMatch(/groundwork_rate_limit_rejections_total\{[^}]*path="system\.status"[^}]*\} 1/);
    } finally {
      await limited.close();
    }
  });

  test('when no token is configured, then /metrics does not exist', async () => {
    const closed = await startTestApi(testConfig({ DATABASE_URL: database.url }));
    const response = await fetch(`${closed.url}/metrics`);
    await closed.close();

    expect(response.status).toBe(404);
  });
});
