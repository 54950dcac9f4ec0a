import { createLogger } from '@groundwork/core';
import { bullPrefix } from '@groundwork/queue';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { createBillingHandler } from '../../apps/worker/src/jobs/billing.job.js';
import { followVerificationLink } from '../../apps/api/src/testing/teams.js';
import { apiClient, buildSignup, failureOf } from '../../apps/api/src/testing/http.js';
import type { TestApi } from '../../apps/api/src/testing/start-test-api.js';
import {
  type BillingStack,
  startBillingStack,
  TEST_WEBHOOK_SECRET,
  type TestWorker,
} from '../support/billing-stack.js';
import { useTestDatabase } from '../support/use-test-database.js';

const database = useTestDatabase();
const logger = createLogger({ service: 'failures-test', level: 'silent' });

describe('billing when things go wrong', () => {
  let stack: BillingStack;
  let emulator: BillingStack['emulator'];
  let api: TestApi;
  let worker: TestWorker;
  beforeAll(async () => {
    stack = await startBillingStack(database.url);
    ({ emulator, api, worker } = stack);
  });
  afterAll(async () => {
    await stack.close();
  });

  const reconciled = () => stack.reconciled();

  async function owner() {
    const { user, tokens } = await apiClient(api.url).auth.signup.mutate(buildSignup());
    const client = apiClient(api.url, { token: tokens.accessToken });
    await followVerificationLink(api.db, client, user.email);
    const organizationId = (await client.auth.me.query()).memberships[0]?.organization.id ?? '';
    return { client, organizationId };
  }

  test('when the subscription is unpaid at Stripe (locally free), then a new checkout is refused: no second subscription', async () => {
    const { client, organizationId } = await owner();
    const checkout = await client.billing.createCheckoutSession.mutate({ organizationId, plan: 'pro' });
    const subscription = emulator.completeCheckout(checkout.sessionId);
    emulator.updateSubscription(subscription.id, { status: 'unpaid' });
    await reconciled();
    expect((await client.billing.subscription.query({ organizationId })).plan).toBe('free');

    const again = await failureOf(client.billing.createCheckoutSession.mutate({ organizationId, plan: 'business' }));

    expect(again.data?.code).toBe('CONFLICT');
    expect(again.data?.details).toMatchObject({ status: 'unpaid', usePortal: true });
  });

  test('when a second tab starts a checkout for another plan, then the first session is expired so only one can be paid', async () => {
    const { client, organizationId } = await owner();

    const first = await client.billing.createCheckoutSession.mutate({ organizationId, plan: 'pro' });
    const same = await client.billing.createCheckoutSession.mutate({ organizationId, plan: 'pro' });
    const second = await client.billing.createCheckoutSession.mutate({ organizationId, plan: 'business' });

    expect(same.sessionId).toBe(first.sessionId);
    expect(second.sessionId).not.toBe(first.sessionId);
    expect(emulator.state.checkoutSessions.get(first.sessionId)?.status).toBe('expired');
    expect(() => emulator.completeCheckout(first.sessionId)).toThrow(/expired/);
  });

  test('when a stored event is pending but its BullMQ job already failed, then the sweeper retries that job and the event is processed', async () => {
    const { client, organizationId } = await owner();
    emulator.setWebhookTarget(null);
    const checkout = await client.billing.createCheckoutSession.mutate({ organizationId, plan: 'pro' });
    emulator.completeCheckout(checkout.sessionId);
    await emulator.webhooksSettled(); // undelivered: Stripe would retry later, the test takes over
    emulator.setWebhookTarget({ url: `${api.url}/webhooks/stripe`, secret: TEST_WEBHOOK_SECRET });
    const event = emulator.state.events
      .filter((candidate) => candidate.type === 'customer.subscription.created')
      .at(-1);
    const eventId = event?.id ?? '';
    // The job runs (and fails for good) before its event is stored: what a crash in between leaves behind.
    const { Queue } = await import('bullmq');
    const queue = new Queue('stripe-events', {
      connection: worker.redis,
      prefix: bullPrefix(api.config.redis.keyPrefix, worker.redis.isCluster),
    });
    const failed = new Promise<void>((resolve) =>
      worker.running.workers.find((w) => w.name === 'stripe-events')?.once('failed', () => resolve()),
    );
    await queue.add('stripe-event', { eventId }, { jobId: eventId, attempts: 1 });
    await failed;
    await worker.billing.recordIncomingEvents([
      {
        id: eventId,
        type: 'customer.subscription.created',
        apiVersion: null,
        livemode: false,
        created: event?.created ?? 0,
        payloadJson: JSON.stringify(event),
      },
    ]);
    await worker
      .db('stripeEvents')
      .where({ id: eventId })
      .update({ receivedAt: new Date(Date.now() - 120_000) });

    const sweep = createBillingHandler({
      billing: worker.billing,
      enqueueEvent: worker.enqueueEvent,
      requeueOrganizationDeletion: worker.requeueOrganizationDeletion,
      logger,
      sweepGraceMs: 30_000,
    });
    const result = await sweep({ task: 'sweep-events' });
    await worker.eventsSettled([eventId]);
    await queue.close();

    expect(result).toMatchObject({ enqueued: expect.any(Number) as number });
    const stored: { status: string } = await worker.db('stripeEvents').where({ id: eventId }).first('status');
    expect(stored.status).toBe('processed');
  });

  test('when one customer cannot be re-synced, then the periodic re-sync still reconciles the others and reports the failure', async () => {
    const { client, organizationId } = await owner();
    const checkout = await client.billing.createCheckoutSession.mutate({ organizationId, plan: 'pro' });
    const subscription = emulator.completeCheckout(checkout.sessionId);
    await reconciled();
    const broken: { id: string }[] = await worker
      .db('organizations')
      .insert({ name: 'Gone at Stripe', stripeCustomerId: 'cus_deletedAtStripe' })
      .returning('id');
    await worker.db('subscriptions').where({ id: subscription.id }).update({ status: 'canceled' }); // drift to correct

    const resync = createBillingHandler({
      billing: worker.billing,
      enqueueEvent: worker.enqueueEvent,
      requeueOrganizationDeletion: worker.requeueOrganizationDeletion,
      logger,
      sweepGraceMs: 30_000,
    });
    const result = await resync({ task: 'resync-all' });

    expect(result).toMatchObject({ failed: 1 });
    expect(broken[0]?.id).toBeDefined();
    const local: { status: string } = await worker.db('subscriptions').where({ id: subscription.id }).first('status');
    expect(local.status).toBe('active');
  });
});
