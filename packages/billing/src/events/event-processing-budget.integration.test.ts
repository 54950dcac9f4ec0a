/**
 * The database cost of processing one stored Stripe event (ADR 041), counted
 * rather than timed: the worker is throughput-bound and most of a job's wall
 * time is database round trips, so a statement or round trip added to this
 * path fails here before it shows as latency under a webhook storm. Through
 * the real processor, against real PostgreSQL and the Stripe emulator.
 */
import { createLogger } from '@groundwork/core';
import { createUnitOfWork, type Knex } from '@groundwork/db';
import type { StripeEvent } from '@groundwork/stripe-emulator';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { startStripeEmulator, testDb } from '../../../../test/support/billing-stack.js';
import { heldStripe, incomingEventOf } from '../../../../test/support/stripe-doubles.js';
import { useTestDatabase } from '../../../../test/support/use-test-database.js';
import { createBilling } from '../billing.js';
import type { PlanPrices } from '../plans/catalogue.js';

const database = useTestDatabase();
const logger = createLogger({ service: 'event-budget-test', level: 'silent' });
const prices: PlanPrices = {
  pro: { month: 'price_pro_monthly', year: 'price_pro_yearly' },
  business: { month: 'price_business_monthly', year: 'price_business_yearly' },
};
const urls = { successUrl: 'https://x.test/ok', cancelUrl: 'https://x.test/no', portalReturnUrl: 'https://x.test/b' };

/** The budget of one subscription event's processing (ADR 041; it was 15 statements in 15 round trips). */
const BUDGET = { statements: 3, roundTrips: 3 };

const TRANSACTION_CONTROL = /^(begin|commit|rollback)\b/i;

/**
 * Every SQL statement the pool sends while counting, and the round trips
 * they cost: a statement sent while another is still in flight rides the
 * same round trip; one sent when none is in flight starts a new one.
 */
function countStatements(db: Knex) {
  const inFlight = new Set<string>();
  const counted = { statements: [] as string[], roundTrips: 0 };
  let counting = false;
  db.on('query', (query: { sql: string; __knexQueryUid: string }) => {
    if (!counting) return;
    if (inFlight.size === 0) counted.roundTrips += 1;
    counted.statements.push(query.sql);
    // knex reports no response to BEGIN, COMMIT or ROLLBACK; it awaits each before going on anyway.
    if (!TRANSACTION_CONTROL.test(query.sql)) inFlight.add(query.__knexQueryUid);
  });
  const settled = (_: unknown, query: { __knexQueryUid: string }) => inFlight.delete(query.__knexQueryUid);
  db.on('query-response', settled);
  db.on('query-error', settled);
  return {
    async during<T>(work: () => Promise<T>) {
      counted.statements = [];
      counted.roundTrips = 0;
      counting = true;
      try {
        return await work();
      } finally {
        counting = false;
      }
    },
    counted,
  };
}

describe('processing one stored Stripe event (ADR 041)', () => {
  let emulator: Awaited<ReturnType<typeof startStripeEmulator>>;
  let db: Knex;
  let stripe: Stripe;
  let billing: ReturnType<typeof createBilling>;
  const billingWith = (client: Stripe, pool = db) =>
    createBilling({
      uow: createUnitOfWork(pool),
      stripe: client,
      prices,
      pastDueGraceDays: 3,
      urls,
      onEntitlementsChanged: async () => undefined,
      logger,
    });
  beforeAll(async () => {
    emulator = await startStripeEmulator({ delivery: 'manual' });
    db = testDb(database.url);
    stripe = new Stripe('sk_test_budget', {
      host: '127.0.0.1',
      port: emulator.port,
      protocol: 'http',
      maxNetworkRetries: 0,
    });
    billing = billingWith(stripe);
  });
  afterAll(async () => {
    await db.destroy();
    await emulator.close();
  });

  async function organizationWithCustomer() {
    const inserted: { id: string }[] = await db('organizations').insert({ name: 'Budget' }).returning('id');
    const organizationId = inserted[0]?.id ?? '';
    const customer = emulator.state.createCustomer({ metadata: { organizationId } });
    await db('organizations').where({ id: organizationId }).update({ stripeCustomerId: customer.id });
    return { organizationId, customerId: customer.id };
  }

  /** Stores, as the webhook does, the events the emulator emitted while `change` ran. */
  async function storeEventsOf(change: () => void): Promise<StripeEvent[]> {
    const first = emulator.state.events.length;
    change();
    const events = emulator.state.events.slice(first);
    await billing.recordIncomingEvents(events.map(incomingEventOf));
    return events;
  }

  async function statusOf(eventId: string): Promise<string> {
    const row: { status: string } = await db('stripeEvents').where({ id: eventId }).first('status');
    return row.status;
  }

  function idOf(events: StripeEvent[], type: string): string {
    const event = events.find((candidate) => candidate.type === type);
    if (!event) throw new Error(`the emulator emitted no ${type}`);
    return event.id;
  }

  test('when a subscription event that changes the plan is processed, then it costs the budget and the organization, its events and the audit end right', async () => {
    // Arrange: a subscription to Pro, its events stored; a later plan switch stored too.
    const { organizationId, customerId } = await organizationWithCustomer();
    let subscriptionId = '';
    const created = await storeEventsOf(() => {
      subscriptionId = emulator.state.subscribe(customerId, 'price_pro_monthly').id;
    });
    const updated = await storeEventsOf(() =>
      emulator.updateSubscription(subscriptionId, { priceId: 'price_business_monthly' }),
    );
    const counter = countStatements(db);

    // Act
    const outcome = await counter.during(() => billing.processEvent(idOf(updated, 'customer.subscription.updated')));

    // Assert: the budget, and what the event did.
    expect(outcome).toBe('processed');
    expect(counter.counted.statements.length, counter.counted.statements.join('\n')).toBe(BUDGET.statements);
    expect(counter.counted.roundTrips).toBe(BUDGET.roundTrips);
    expect(await statusOf(idOf(updated, 'customer.subscription.updated'))).toBe('processed');
    // Stored before the read began: settled by it (ADR 033); the checkout always runs on its own.
    expect(await statusOf(idOf(created, 'customer.subscription.created'))).toBe('processed');
    expect(await statusOf(idOf(created, 'checkout.session.completed'))).toBe('pending');
    const rows: { id: string; status: string; priceId: string; planKey: string }[] = await db('subscriptions')
      .where({ organizationId })
      .select('id', 'status', 'priceId', 'planKey');
    expect(rows).toEqual([
      { id: subscriptionId, status: 'active', priceId: 'price_business_monthly', planKey: 'business' },
    ]);
    const audit: { metadata: Record<string, unknown> }[] = await db('auditEvents')
      .where({ organizationId, type: 'billing.plan_changed' })
      .select('metadata');
    expect(audit.map((line) => line.metadata)).toEqual([
      {
        planBefore: 'free',
        planAfter: 'business',
        statusBefore: 'none',
        statusAfter: 'active',
        eventId: idOf(updated, 'customer.subscription.updated'),
      },
    ]);
    const attempts: { attempts: number } = await db('stripeEvents')
      .where({ id: idOf(updated, 'customer.subscription.updated') })
      .first('attempts');
    expect(attempts.attempts).toBe(1);
  });

  test('when the event was already settled by an earlier sync, then processing it again reads one row and changes nothing', async () => {
    // Arrange
    const { customerId } = await organizationWithCustomer();
    const created = await storeEventsOf(() => emulator.state.subscribe(customerId, 'price_pro_monthly'));
    const eventId = idOf(created, 'customer.subscription.created');
    await billing.processEvent(eventId);
    const counter = countStatements(db);

    // Act
    const outcome = await counter.during(() => billing.processEvent(eventId));

    // Assert
    expect(outcome).toBe('already-done');
    expect(counter.counted.statements.length).toBe(1);
  });

  test('when a job retried after its worker died or its attempt failed finds its event processed, then it announces the organization again, at one more statement', async () => {
    // Arrange: the event processed (its sync announced the change), as by a run killed or cut off right after its commit.
    const { organizationId, customerId } = await organizationWithCustomer();
    const created = await storeEventsOf(() => emulator.state.subscribe(customerId, 'price_pro_monthly'));
    const eventId = idOf(created, 'customer.subscription.created');
    const announced: string[] = [];
    const announcing = createBilling({
      uow: createUnitOfWork(db),
      stripe,
      prices,
      pastDueGraceDays: 3,
      urls,
      onEntitlementsChanged: async (id) => {
        announced.push(id);
      },
      logger,
    });
    await announcing.processEvent(eventId);
    announced.length = 0;
    const counter = countStatements(db);

    // Act
    const notRetried = await counter.during(() => announcing.processEvent(eventId));
    const afterPlainRerun = [...announced];
    const retried = await counter.during(() => announcing.processEvent(eventId, { retried: true }));

    // Assert
    expect([notRetried, retried]).toEqual(['already-done', 'already-done']);
    expect(afterPlainRerun).toEqual([]);
    expect(announced).toEqual([organizationId]);
    expect(counter.counted.statements.length).toBe(2);
  });

  test('when an older read writes between a sync taking its snapshot and writing, then the sync writes against the rows there now: its read wins and the plan change is audited once', async () => {
    // Arrange: sync A takes its ticket and reads Stripe (Pro), then holds; sync B takes a later ticket and reads.
    const { organizationId, customerId } = await organizationWithCustomer();
    emulator.state.subscribe(customerId, 'price_pro_monthly');
    // A has a pool of its own, so that only B's statements are counted.
    const poolA = testDb(database.url);
    const heldA = heldStripe(stripe);
    const syncA = billingWith(heldA.client, poolA).syncCustomer(customerId);
    await heldA.hasRead;
    const heldB = heldStripe(stripe);
    const counter = countStatements(db);
    const syncB = counter.during(() => billingWith(heldB.client).syncCustomer(customerId));
    await heldB.hasRead;

    // Act: A writes first (free → pro), after B's snapshot; then B writes.
    heldA.release();
    const resultA = await syncA;
    await poolA.destroy();
    heldB.release();
    const resultB = await syncB;

    // Assert: B found its snapshot outdated, read again and wrote; the change is audited by A alone.
    expect(resultA).toMatchObject({ planBefore: 'free', planAfter: 'pro' });
    expect(resultB).toMatchObject({ planBefore: 'pro', planAfter: 'pro', drift: 0 });
    expect(resultB?.superseded).toBeUndefined();
    expect(counter.counted.statements.length).toBe(4);
    const audit: { metadata: Record<string, unknown> }[] = await db('auditEvents')
      .where({ organizationId, type: 'billing.plan_changed' })
      .select('metadata');
    expect(audit.map((line) => line.metadata.planAfter)).toEqual(['pro']);
    const tickets: { stripeSyncedTicket: string } = await db('organizations')
      .where({ id: organizationId })
      .first('stripeSyncedTicket');
    const before = await db.raw<{ rows: { last: string }[] }>(
      'select last_value::text as last from stripe_sync_tickets',
    );
    expect(tickets.stripeSyncedTicket).toBe(before.rows[0]?.last);
  });
});
