import { apiClient, buildSignup } from '../../testing/http.js';
import type { TestApi } from '../../testing/start-test-api.js';

/** A new owner and their personal organization, with a client signed in as the owner. */
export async function ownerWithOrganization(api: TestApi) {
  const { tokens, user } = await apiClient(api.url).auth.signup.mutate(buildSignup());
  const owner = apiClient(api.url, { token: tokens.accessToken });
  const organizationId = (await owner.auth.me.query()).memberships[0]?.organization.id ?? '';
  return { owner, organizationId, userId: user.id };
}

/** Puts the organization on the business plan (analytics included), as a synced subscription would. */
export async function onBusinessPlan(api: TestApi, organizationId: string) {
  await api.db('subscriptions').insert({
    id: `sub_keys_${organizationId.slice(0, 8)}`,
    organizationId,
    stripeCustomerId: 'cus_keys',
    status: 'active',
    priceId: 'price_business_monthly',
    planKey: 'business',
    currentPeriodStart: new Date(),
    currentPeriodEnd: new Date(Date.now() + 30 * 86_400_000),
    stripeCreatedAt: new Date(),
  });
}

/** The SQL statements about api_keys the instance runs while `work` does. */
export async function apiKeyStatementsDuring(api: TestApi, work: () => Promise<unknown>) {
  const statements: string[] = [];
  const onQuery = (query: { sql: string }) => {
    if (query.sql.includes('api_keys')) statements.push(query.sql);
  };
  api.db.on('query', onQuery);
  try {
    await work();
  } finally {
    api.db.off('query', onQuery);
  }
  return statements;
}

/** Resolves when the instance has heard that a key was revoked or rotated. */
export function nextInvalidation(api: TestApi): Promise<string> {
  return new Promise((resolve) => {
    const stop = api.services.apiKeys.onInvalidated((key) => {
      stop();
      resolve(key);
    });
  });
}
