import { createBilling, type PlanPrices } from '@groundwork/billing';
import { createLogger } from '@groundwork/core';
import { createSubscriptionRepository, createUnitOfWork, type Knex } from '@groundwork/db';
import type { StripeEvent } from '@groundwork/stripe-emulator';
import fc from 'fast-check';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { startStripeEmulator, testDb } from '../support/billing-stack.js';
import { heldStripe, incomingEventOf } from '../support/stripe-doubles.js';
import { useTestDatabase } from '../support/use-test-database.js';

// ADR 033: an event's sync settles the customer's other events stored before its Stripe read began.
const database = useTestDatabase();
const logger = createLogger({ service: 'coalesced-syncs-test', level: 'silent' });
const prices: PlanPrices = {
  pro: { month: 'price_pro_monthly', year: 'price_pro_yearly' },
  business: { month: 'price_business_monthly', year: 'price_business_yearly' },
};
const urls = {
  successUrl: 'https://x.test/ok',
  cancelUrl: 'https://x.test/no',
  portalReturnUrl: 'https://x.test/back',
};

describe('coalesced customer syncs', () => {
  let emulator: Awaited<ReturnType<typeof startStripeEmulator>>;
  let db: Knex;
  let stripe: Stripe;
  beforeAll(async () => {
    emulator = await startStripeEmulator({ delivery: 'manual' });
    db = testDb(database.url);
    stripe = new Stripe('sk_test_coalescing', {
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

  /** The real client, counting how many times the customer's subscriptions are read. */
  function countingStripe() {
    const reads = { count: 0 };
    const client = {
      ...stripe,
      subscriptions: {
        list: (...args: Parameters<Stripe['subscriptions']['list']>) => {
          reads.count += 1;
          return stripe.subscriptions.list(...args);
        },
      },
    } as unknown as Stripe;
    return { client, reads };
  }

  async function organizationWithCustomer() {
    const inserted: { id: string }[] = await db('organizations').insert({ name: 'Coalescing' }).returning('id');
    const organizationId = inserted[0]?.id ?? '';
    const customer = emulator.state.createCustomer({ metadata: { organizationId } });
    await db('organizations').where({ id: organizationId }).update({ stripeCustomerId: customer.id });
    return { organizationId, customerId: customer.id };
  }

  /** What the emulator emitted while `change` ran. */
  function eventsOf(change: () => void): StripeEvent[] {
    const first = emulator.state.events.length;
    change();
    return emulator.state.events.slice(first);
  }

  /** As the webhook does: store each event once by its id. */
  async function store(events: StripeEvent[]) {
    const billing = billingWith(stripe);
    for (const event of events) {
      await billing.recordIncomingEvents([incomingEventOf(event)]);
    }
  }

  async function statusOf(eventId: string): Promise<string> {
    const row: { status: string } = await db('stripeEvents').where({ id: eventId }).first('status');
    return row.status;
  }

  async function localSubscriptions(customerId: string) {
    return (await createSubscriptionRepository(db).listForCustomer(customerId))
      .map((row) => [row.id, row.status, row.priceId, row.cancelAtPeriodEnd])
      .sort();
  }

  function stripeSubscriptions(customerId: string) {
    return emulator.state
      .listSubscriptions({ customer: customerId, status: 'all' })
      .map((sub) => [sub.id, sub.status, sub.items.data[0]?.price.id, sub.cancel_at_period_end])
      .sort();
  }

  test('when several events of one customer are stored before a sync reads Stripe, then one read settles them all and their own jobs find nothing left to do', async () => {
    // Arrange: a checkout (subscription created, checkout completed, invoice paid), then a plan switch.
    const { customerId } = await organizationWithCustomer();
    let subscriptionId = '';
    const events = eventsOf(() => {
      subscriptionId = emulator.state.subscribe(customerId, 'price_pro_monthly').id;
      emulator.updateSubscription(subscriptionId, { priceId: 'price_business_monthly' });
    });
    await store(events);
    const byType = new Map(events.map((event) => [event.type, event.id]));
    const { client, reads } = countingStripe();
    const worker = billingWith(client);

    // Act: the plan switch's job runs first.
    await worker.processEvent(byType.get('customer.subscription.updated') ?? '');

    // Assert: one read of Stripe settled the subscription and invoice events; the checkout still runs on its own.
    expect(reads.count).toBe(1);
    expect(await statusOf(byType.get('customer.subscription.created') ?? '')).toBe('processed');
    expect(await statusOf(byType.get('invoice.paid') ?? '')).toBe('processed');
    expect(await statusOf(byType.get('checkout.session.completed') ?? '')).toBe('pending');
    expect(await localSubscriptions(customerId)).toEqual(stripeSubscriptions(customerId));
    expect(await worker.processEvent(byType.get('customer.subscription.created') ?? '')).toBe('already-done');
    expect(reads.count).toBe(1);
  });

  test('when an event is stored after a sync began reading Stripe, then that sync leaves it pending and its own sync brings the last state', async () => {
    // Arrange: an active subscription and its event; the sync's Stripe answer (still active) is held back.
    const { customerId } = await organizationWithCustomer();
    let subscriptionId = '';
    const [created] = eventsOf(() => {
      subscriptionId = emulator.state.subscribe(customerId, 'price_pro_monthly').id;
    });
    await store(created ? [created] : []);
    const { client: slow, hasRead, release } = heldStripe(stripe);
    const first = billingWith(slow).processEvent(created?.id ?? '');
    await hasRead;

    // Act: the customer cancels while the first sync holds its (now stale) answer; that event is stored.
    const canceled = eventsOf(() => emulator.updateSubscription(subscriptionId, { status: 'canceled' }));
    await store(canceled);
    release();
    await first;

    // Assert: the stale read did not settle the cancellation; the cancellation's own job brings it.
    const cancellation = canceled[0]?.id ?? '';
    expect(await statusOf(cancellation)).toBe('pending');
    await billingWith(stripe).processEvent(cancellation);
    expect(await statusOf(cancellation)).toBe('processed');
    expect(await localSubscriptions(customerId)).toEqual(stripeSubscriptions(customerId));
    expect((await localSubscriptions(customerId))[0]?.[1]).toBe('canceled');
  });

  test('when changes and their events interleave with concurrent jobs of one customer, then every event settles and the local state ends equal to Stripe', async () => {
    const step = fc.record({
      change: fc.constantFrom(
        { priceId: 'price_business_monthly' },
        { priceId: 'price_pro_monthly' },
        { cancelAtPeriodEnd: true },
        { cancelAtPeriodEnd: false },
        { status: 'past_due' as const },
        { status: 'active' as const },
      ),
      /** Which stored events get a job started now (indexes into all stored so far), not awaited. */
      jobs: fc.array(fc.nat(), { maxLength: 4 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 8 }), async (steps) => {
        // Arrange
        const { customerId } = await organizationWithCustomer();
        let subscriptionId = '';
        const stored = eventsOf(() => {
          subscriptionId = emulator.state.subscribe(customerId, 'price_pro_monthly').id;
        });
        await store(stored);
        const worker = billingWith(stripe);
        const running: Promise<unknown>[] = [];

        // Act: each change at Stripe is stored as it happens, while jobs of earlier events are still running.
        for (const { change, jobs } of steps) {
          const events = eventsOf(() => emulator.updateSubscription(subscriptionId, change));
          await store(events);
          stored.push(...events);
          for (const pick of jobs) running.push(worker.processEvent(stored[pick % stored.length]?.id ?? ''));
        }
        await Promise.all(running);
        // Every job runs at least once in the end, as the queue guarantees.
        for (const event of stored) await worker.processEvent(event.id);

        // Assert
        const statuses: { status: string }[] = await db('stripeEvents')
          .whereIn(
            'id',
            stored.map((event) => event.id),
          )
          .select('status');
        expect(statuses.every((row) => row.status === 'processed')).toBe(true);
        expect(await localSubscriptions(customerId)).toEqual(stripeSubscriptions(customerId));
      }),
      { numRuns: 15 },
    );
  });
});
