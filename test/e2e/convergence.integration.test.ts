import {
  createBilling,
  decideEntitlements,
  type PlanPrices,
  toSubscriptionRow,
  toSubscriptionState,
} from '@groundwork/billing';
import { createLogger } from '@groundwork/core';
import { createSubscriptionRepository, createUnitOfWork, type Knex } from '@groundwork/db';
import type { SubscriptionStatus } from '@groundwork/stripe-emulator';
import fc from 'fast-check';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { startStripeEmulator, testDb } from '../support/billing-stack.js';
import { heldStripe, incomingEventOf } from '../support/stripe-doubles.js';
import { useTestDatabase } from '../support/use-test-database.js';

const database = useTestDatabase();
const logger = createLogger({ service: 'convergence-test', level: 'silent' });
const prices: PlanPrices = {
  pro: { month: 'price_pro_monthly', year: 'price_pro_yearly' },
  business: { month: 'price_business_monthly', year: 'price_business_yearly' },
};
const urls = {
  successUrl: 'https://x.test/ok',
  cancelUrl: 'https://x.test/no',
  portalReturnUrl: 'https://x.test/back',
};

/** What can happen to a subscription at Stripe, in a customer's history. */
const change = fc.oneof(
  fc.record({
    kind: fc.constant('status' as const),
    status: fc.constantFrom<SubscriptionStatus>('active', 'past_due', 'unpaid', 'paused', 'trialing'),
  }),
  fc.record({ kind: fc.constant('cancelAtPeriodEnd' as const), value: fc.boolean() }),
  fc.record({
    kind: fc.constant('plan' as const),
    priceId: fc.constantFrom('price_pro_monthly', 'price_business_monthly', 'price_pro_yearly'),
  }),
  fc.record({ kind: fc.constant('renew' as const) }),
  fc.record({ kind: fc.constant('cancel' as const) }),
  fc.record({
    kind: fc.constant('resubscribe' as const),
    priceId: fc.constantFrom('price_pro_monthly', 'price_business_yearly'),
  }),
);

const history = fc.record({
  firstPrice: fc.constantFrom('price_pro_monthly', 'price_business_monthly'),
  changes: fc.array(change, { maxLength: 7 }),
  /** How each event is delivered: order, repeats, and whether a worker crashes while handling it. */
  delivery: fc.array(fc.record({ pick: fc.nat(), repeat: fc.boolean(), crash: fc.boolean() }), {
    minLength: 1,
    maxLength: 30,
  }),
  restarts: fc.array(fc.nat({ max: 30 }), { maxLength: 3 }),
});

describe('convergence to Stripe', () => {
  let emulator: Awaited<ReturnType<typeof startStripeEmulator>>;
  let db: Knex;
  let stripe: Stripe;
  beforeAll(async () => {
    emulator = await startStripeEmulator({ delivery: 'manual' });
    db = testDb(database.url);
    stripe = new Stripe('sk_test_convergence', {
      host: '127.0.0.1',
      port: emulator.port,
      protocol: 'http',
      maxNetworkRetries: 0,
    });
  });
  afterAll(async () => {
    await db.destroy();
    await emulator.close();
  });

  /** Billing wired to `client` (the real SDK, or a wrapper around it) with the test's settings. */
  function billingWith(client: Stripe) {
    return createBilling({
      uow: createUnitOfWork(db),
      stripe: client,
      prices,
      pastDueGraceDays: 3,
      urls,
      onEntitlementsChanged: async () => undefined,
      logger,
    });
  }

  /** A worker (process) that crashes in the middle of a sync when told to: after reading Stripe, before committing. */
  function startWorkerProcess(crashNext: { value: boolean }) {
    const crashing = {
      ...stripe,
      subscriptions: {
        list: (...args: Parameters<Stripe['subscriptions']['list']>) => {
          if (crashNext.value) throw new Error('worker crashed mid-sync');
          return stripe.subscriptions.list(...args);
        },
      },
    } as unknown as Stripe;
    return billingWith(crashing);
  }

  test('when histories are delivered shuffled, duplicated and interrupted by crashes and restarts, then local state equals Stripe and every event settles once', async () => {
    await fc.assert(
      fc.asyncProperty(history, async ({ firstPrice, changes, delivery, restarts }) => {
        // Arrange: an organization, its customer, and a history at Stripe.
        const inserted: { id: string }[] = await db('organizations').insert({ name: 'Convergence' }).returning('id');
        const organizationId = inserted[0]?.id ?? '';
        const customer = emulator.state.createCustomer({ metadata: { organizationId } });
        await db('organizations').where({ id: organizationId }).update({ stripeCustomerId: customer.id });
        const firstEvent = emulator.state.events.length;
        const checkout = (priceId: string) => emulator.state.subscribe(customer.id, priceId);
        let current = checkout(firstPrice);
        for (const step of changes) {
          if (step.kind === 'resubscribe') {
            if (current.status === 'canceled') current = checkout(step.priceId);
            continue;
          }
          if (current.status === 'canceled') continue;
          if (step.kind === 'status') emulator.updateSubscription(current.id, { status: step.status });
          if (step.kind === 'cancelAtPeriodEnd')
            emulator.updateSubscription(current.id, { cancelAtPeriodEnd: step.value });
          if (step.kind === 'plan') emulator.updateSubscription(current.id, { priceId: step.priceId });
          if (step.kind === 'renew') emulator.updateSubscription(current.id, { renew: true });
          if (step.kind === 'cancel') emulator.updateSubscription(current.id, { status: 'canceled' });
        }
        const events = emulator.state.events.slice(firstEvent);
        emulator.state.events.splice(firstEvent); // keep the emulator's log small across runs

        // Act: store every event (as the webhook does), then deliver in the generated order.
        const billing = startWorkerProcess({ value: false });
        for (const event of events) {
          await billing.recordIncomingEvents([incomingEventOf(event)]);
        }
        const crashNext = { value: false };
        let worker = startWorkerProcess(crashNext);
        for (const [index, step] of delivery.entries()) {
          if (restarts.includes(index)) worker = startWorkerProcess(crashNext);
          const event = events[step.pick % events.length];
          if (!event) continue;
          for (let times = step.repeat ? 2 : 1; times > 0; times -= 1) {
            crashNext.value = step.crash && times === 1;
            await worker.processEvent(event.id).catch(() => undefined); // a crash leaves the event pending
          }
        }
        // The sweeper: whatever is still pending is handled by a healthy worker.
        crashNext.value = false;
        worker = startWorkerProcess(crashNext);
        const healthy = worker;
        await healthy.sweepPendingEvents({
          olderThan: new Date(Date.now() + 60_000),
          limit: 10_000,
          enqueue: (id) => healthy.processEvent(id),
        });

        // Assert: every event settled, and local state is Stripe's.
        const stored: { status: string }[] = await db('stripeEvents')
          .whereIn(
            'id',
            events.map((event) => event.id),
          )
          .select('status');
        expect(stored.every((row) => row.status === 'processed' || row.status === 'ignored')).toBe(true);
        const local = await createSubscriptionRepository(db).listForCustomer(customer.id);
        const truth = emulator.state.listSubscriptions({ customer: customer.id, status: 'all' });
        expect(
          local
            .map((row) => [row.id, row.status, row.priceId, row.cancelAtPeriodEnd, row.currentPeriodEnd?.getTime()])
            .sort(),
        ).toEqual(
          truth
            .map((sub) => [
              sub.id,
              sub.status,
              sub.items.data[0]?.price.id,
              sub.cancel_at_period_end,
              (sub.items.data[0]?.current_period_end ?? 0) * 1000,
            ])
            .sort(),
        );
        // And the organization's plan, decided from the local copy, is the plan Stripe's state implies.
        const rank = (status: string) => ['active', 'trialing', 'past_due'].indexOf(status) >>> 0;
        const best = [...truth].sort((a, b) => rank(a.status) - rank(b.status) || b.created - a.created)[0];
        const truthRow = best ? toSubscriptionRow(best, { organizationId, prices }) : undefined;
        const localRow = await createSubscriptionRepository(db).findCurrentForOrganization(organizationId);
        const now = new Date();
        expect(decideEntitlements(toSubscriptionState(localRow), now, { pastDueGraceDays: 3 }).plan).toBe(
          decideEntitlements(toSubscriptionState(truthRow), now, { pastDueGraceDays: 3 }).plan,
        );
      }),
      { numRuns: 25 },
    );
  });

  test('when two syncs of one customer overlap and Stripe changes in between, then the later read wins (an older read finishing late never overwrites it)', async () => {
    const inserted: { id: string }[] = await db('organizations').insert({ name: 'Overlap' }).returning('id');
    const organizationId = inserted[0]?.id ?? '';
    const customer = emulator.state.createCustomer({});
    await db('organizations').where({ id: organizationId }).update({ stripeCustomerId: customer.id });
    const subscription = emulator.state.subscribe(customer.id, 'price_pro_monthly');

    // Sync A reads Stripe (active), then stalls before writing.
    // A's answer is in hand (still active) before the customer cancels below.
    const { client: slow, hasRead: aHasRead, release } = heldStripe(stripe);
    const syncA = billingWith(slow).syncCustomer(customer.id);
    await aHasRead;

    // Meanwhile the customer cancels, and sync B reads and writes; A's stale read then arrives last (ADR 020).
    emulator.updateSubscription(subscription.id, { status: 'canceled' });
    await billingWith(stripe).syncCustomer(customer.id);
    release();
    await syncA;

    const local: { status: string } = await db('subscriptions').where({ id: subscription.id }).first('status');
    expect(local.status).toBe('canceled');
  });
});
