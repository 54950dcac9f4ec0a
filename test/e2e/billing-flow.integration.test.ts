import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { followVerificationLink } from '../../apps/api/src/testing/teams.js';
import { apiClient, buildSignup, failureOf } from '../../apps/api/src/testing/http.js';
import { startTestApi, type TestApi } from '../../apps/api/src/testing/start-test-api.js';
import { type BillingStack, startBillingStack, TEST_WEBHOOK_SECRET } from '../support/billing-stack.js';
import { useTestDatabase } from '../support/use-test-database.js';

const database = useTestDatabase();

describe('the billing journey, over HTTP with the real Stripe SDK against the emulator', () => {
  let stack: BillingStack;
  let emulator: BillingStack['emulator'];
  let api: TestApi;
  let otherApi: TestApi;

  beforeAll(async () => {
    stack = await startBillingStack(database.url);
    ({ emulator, api } = stack);
    otherApi = await startTestApi(stack.config); // a second instance sharing Redis and the database
  });
  afterAll(async () => {
    await otherApi.close();
    await stack.close();
  });

  const reconciled = () => stack.reconciled();

  test('when an owner subscribes and later cancels, then the gate opens and closes on every API instance', async () => {
    const { user, tokens } = await apiClient(api.url).auth.signup.mutate(buildSignup());
    const client = apiClient(api.url, { token: tokens.accessToken });
    await followVerificationLink(api.db, client, user.email);
    const other = apiClient(otherApi.url, { token: tokens.accessToken });
    const organizationId = (await client.auth.me.query()).memberships[0]?.organization.id ?? '';

    const locked = await failureOf(client.analytics.dashboard.query({ organizationId }));
    const lockedElsewhere = await failureOf(other.analytics.dashboard.query({ organizationId }));
    expect(locked.data?.code).toBe('PAYMENT_REQUIRED');
    expect(locked.data?.httpStatus).toBe(402);
    expect(locked.data?.details).toMatchObject({ requiredFeature: 'analytics', plan: 'free', status: 'none' });
    expect(lockedElsewhere.data?.code).toBe('PAYMENT_REQUIRED');

    const checkout = await client.billing.createCheckoutSession.mutate({ organizationId, plan: 'pro' });
    const subscription = emulator.completeCheckout(checkout.sessionId);
    await reconciled();

    const dashboard = await client.analytics.dashboard.query({ organizationId });
    expect(dashboard.plan).toBe('pro');
    expect(dashboard.today.limit).toBe(100_000);
    expect((await other.analytics.dashboard.query({ organizationId })).plan).toBe('pro');
    expect(await client.billing.subscription.query({ organizationId })).toMatchObject({
      plan: 'pro',
      status: 'active',
    });

    emulator.updateSubscription(subscription.id, { status: 'canceled' });
    await reconciled();

    expect((await failureOf(client.analytics.dashboard.query({ organizationId }))).data?.code).toBe('PAYMENT_REQUIRED');
    expect((await failureOf(other.analytics.dashboard.query({ organizationId }))).data?.code).toBe('PAYMENT_REQUIRED');
    const audit: { metadata: Record<string, unknown> }[] = await api
      .db('auditEvents')
      .where({ organizationId, type: 'billing.plan_changed' })
      .orderBy('id')
      .select('metadata');
    expect(audit.map((row) => [row.metadata.planBefore, row.metadata.planAfter])).toEqual([
      ['free', 'pro'],
      ['pro', 'free'],
    ]);
  });

  test('when the success page syncs the checkout, then access is granted before any webhook arrives', async () => {
    const { user, tokens } = await apiClient(api.url).auth.signup.mutate(buildSignup());
    const client = apiClient(api.url, { token: tokens.accessToken });
    await followVerificationLink(api.db, client, user.email);
    const organizationId = (await client.auth.me.query()).memberships[0]?.organization.id ?? '';
    emulator.setWebhookTarget(null); // webhooks "delayed"

    const checkout = await client.billing.createCheckoutSession.mutate({
      organizationId,
      plan: 'business',
      interval: 'year',
    });
    emulator.completeCheckout(checkout.sessionId);
    const synced = await client.billing.syncCheckout.mutate({ organizationId, sessionId: checkout.sessionId });
    await emulator.webhooksSettled();
    emulator.setWebhookTarget({ url: `${api.url}/webhooks/stripe`, secret: TEST_WEBHOOK_SECRET });

    expect(synced).toMatchObject({ plan: 'business', status: 'active' });
    expect((await client.analytics.dashboard.query({ organizationId })).plan).toBe('business');
  });

  test('when an organization with an active subscription starts another checkout, then it is sent to the portal instead', async () => {
    const { user, tokens } = await apiClient(api.url).auth.signup.mutate(buildSignup());
    const client = apiClient(api.url, { token: tokens.accessToken });
    await followVerificationLink(api.db, client, user.email);
    const organizationId = (await client.auth.me.query()).memberships[0]?.organization.id ?? '';
    const checkout = await client.billing.createCheckoutSession.mutate({ organizationId, plan: 'pro' });
    emulator.completeCheckout(checkout.sessionId);
    await reconciled();

    const second = await failureOf(client.billing.createCheckoutSession.mutate({ organizationId, plan: 'business' }));
    const portal = await client.billing.createPortalSession.mutate({ organizationId });

    expect(second.data?.code).toBe('CONFLICT');
    expect(second.data?.details).toMatchObject({ usePortal: true, plan: 'pro' });
    expect(portal.url).toMatch(/\/portal\/bps_/);
  });

  test('when checkout is requested many times at once, then the organization gets exactly one Stripe customer and one session', async () => {
    const { user, tokens } = await apiClient(api.url).auth.signup.mutate(buildSignup());
    const client = apiClient(api.url, { token: tokens.accessToken });
    await followVerificationLink(api.db, client, user.email);
    const organizationId = (await client.auth.me.query()).memberships[0]?.organization.id ?? '';
    const customersBefore = emulator.state.customers.size;

    const sessions = await Promise.all(
      Array.from({ length: 6 }, () => client.billing.createCheckoutSession.mutate({ organizationId, plan: 'pro' })),
    );

    expect(new Set(sessions.map((session) => session.sessionId)).size).toBe(1);
    expect(emulator.state.customers.size - customersBefore).toBe(1);
    const stored: { stripeCustomerId: string } = await api
      .db('organizations')
      .where({ id: organizationId })
      .first('stripeCustomerId');
    expect(stored.stripeCustomerId).toBe([...emulator.state.customers.values()].at(-1)?.id);
  });

  test('when a plain member or another tenant asks for billing, then FORBIDDEN, and no customer is created', async () => {
    const owner = await apiClient(api.url).auth.signup.mutate(buildSignup());
    const ownerClient = apiClient(api.url, { token: owner.tokens.accessToken });
    const organizationId = (await ownerClient.auth.me.query()).memberships[0]?.organization.id ?? '';
    const stranger = await apiClient(api.url).auth.signup.mutate(buildSignup());
    const strangerClient = apiClient(api.url, { token: stranger.tokens.accessToken });

    const foreign = await failureOf(
      strangerClient.billing.createCheckoutSession.mutate({ organizationId, plan: 'pro' }),
    );
    const foreignSync = await failureOf(
      strangerClient.billing.syncCheckout.mutate({ organizationId, sessionId: 'cs_test_doesnotmatter' }),
    );

    expect(foreign.data?.code).toBe('FORBIDDEN');
    expect(foreignSync.data?.code).toBe('FORBIDDEN');
    const stored: { stripeCustomerId: string | null } = await api
      .db('organizations')
      .where({ id: organizationId })
      .first('stripeCustomerId');
    expect(stored.stripeCustomerId).toBeNull();
  });

  test('when plans are listed, then each shows its features, limits and billing intervals', async () => {
    const plans = await apiClient(api.url).billing.plans.query();

    expect(plans.map((plan) => plan.key)).toEqual(['free', 'pro', 'business']);
    expect(plans.find((plan) => plan.key === 'pro')).toMatchObject({
      features: { analytics: true },
      intervals: ['month', 'year'],
    });
  });
});
