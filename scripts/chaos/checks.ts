import type pg from 'pg';

import { inBatches, type Organization, type Plan } from './organizations.js';
import type { Stack } from './stack.js';
import { callProcedure } from './trpc.js';
import { expectedPlan, truthOf } from './truth.js';

/** Event types that name an organization's customer: each must end processed, never ignored. */
const ABOUT_A_CUSTOMER = /^(customer\.subscription\.|checkout\.session\.completed$|invoice\.)/;

export type CheckFigures = {
  mismatches: string[];
  storedEvents: number;
  retriedEvents: number;
  subscriptions: number;
  /** First stored → processed, per event, by the database's clock. */
  processingMs: number[];
};

type SubscriptionRow = {
  id: string;
  organization_id: string;
  stripe_customer_id: string;
  status: string;
  price_id: string;
};

/** Every stored event against the events Stripe emitted: all there, each exactly once, each finished. */
async function checkEvents(stack: Stack, db: pg.Pool, mismatches: string[]) {
  const { rows } = await db.query<{ id: string; type: string; status: string; attempts: number; ms: number | null }>(
    `select id, type, status, attempts,
            (extract(epoch from processed_at - received_at) * 1000)::float8 as ms
       from stripe_events`,
  );
  const stored = new Map(rows.map((row) => [row.id, row]));
  for (const event of stack.stripe.state.events) {
    if (!stored.has(event.id)) mismatches.push(`event ${event.id} (${event.type}) was never stored`);
  }
  const emitted = new Set(stack.stripe.state.events.map((event) => event.id));
  for (const row of rows) {
    if (!emitted.has(row.id)) mismatches.push(`stored event ${row.id} was never emitted`);
    if (row.status === 'pending' || row.status === 'failed')
      mismatches.push(`event ${row.id} (${row.type}) is ${row.status}`);
    if (row.status === 'ignored' && ABOUT_A_CUSTOMER.test(row.type))
      mismatches.push(`event ${row.id} (${row.type}) was ignored`);
  }
  return {
    storedEvents: rows.length,
    retriedEvents: rows.filter((row) => row.attempts > 1).length,
    processingMs: rows.flatMap((row) => (row.ms === null ? [] : [row.ms])),
  };
}

/** Each organization's stored customer and subscriptions against Stripe's: one customer, the same subscriptions. */
async function checkRows(context: { stack: Stack; organizations: Organization[]; db: pg.Pool }, mismatches: string[]) {
  const { stack, db } = context;
  const ids = context.organizations.map((o) => o.organizationId);
  const organizations = await db.query<{ id: string; stripe_customer_id: string | null }>(
    'select id, stripe_customer_id from organizations where id = any($1)',
    [ids],
  );
  const customerOf = new Map(organizations.rows.map((row) => [row.id, row.stripe_customer_id]));
  const subscriptions = await db.query<SubscriptionRow>(
    'select id, organization_id, stripe_customer_id, status, price_id from subscriptions',
  );
  for (const { organizationId } of context.organizations) {
    const truth = truthOf(stack.stripe, organizationId);
    if (truth.customers.length !== 1) mismatches.push(`${organizationId}: ${truth.customers.length} Stripe customers`);
    if (customerOf.get(organizationId) !== truth.customers[0]?.id) {
      mismatches.push(
        `${organizationId}: stored customer ${customerOf.get(organizationId)} ≠ ${truth.customers[0]?.id}`,
      );
    }
    const stored = subscriptions.rows.filter((row) => row.organization_id === organizationId);
    if (stored.length !== truth.subscriptions.length) {
      mismatches.push(
        `${organizationId}: ${stored.length} stored subscriptions, Stripe has ${truth.subscriptions.length}`,
      );
    }
    for (const subscription of truth.subscriptions) {
      const row = stored.find((candidate) => candidate.id === subscription.id);
      const price = subscription.items.data[0]?.price.id;
      if (row?.status !== subscription.status || row.price_id !== price) {
        mismatches.push(
          `${organizationId}: subscription ${subscription.id} stored as ${row?.status}/${row?.price_id}, Stripe says ${subscription.status}/${price}`,
        );
      }
    }
  }
  return subscriptions.rows.length;
}

/**
 * The entitlement read and a plan-gated procedure, as a member, on every instance, against Stripe's truth
 * now: each difference is a line.
 */
export async function gateMismatches(context: { stack: Stack; organizations: Organization[] }): Promise<string[]> {
  const { stack } = context;
  const mismatches: string[] = [];
  await inBatches(context.organizations, 8, async (organization) => {
    const expected: Plan = expectedPlan(stack.stripe, {
      organizationId: organization.organizationId,
      prices: stack.prices,
    });
    for (const api of stack.apis) {
      const init = { input: { organizationId: organization.organizationId }, token: organization.token };
      const read = await callProcedure<{ plan: Plan }>(api.url, 'billing.subscription', init);
      const gate = await callProcedure<{ plan: Plan }>(api.url, 'analytics.limits', init);
      const shown = read.ok ? read.data.plan : read.code;
      const gated = gate.ok ? gate.data.plan : gate.code;
      const wanted = expected === 'free' ? 'PAYMENT_REQUIRED' : expected;
      if (shown !== expected || gated !== wanted) {
        mismatches.push(
          `${organization.organizationId} on ${api.name}: shows ${shown}, gate ${gated}; Stripe says ${expected}`,
        );
      }
    }
  });
  return mismatches;
}

/** The end state against Stripe's truth; every difference is a line in `mismatches`. */
export async function checkConvergence(context: {
  stack: Stack;
  organizations: Organization[];
  db: pg.Pool;
}): Promise<CheckFigures> {
  const mismatches: string[] = [];
  const events = await checkEvents(context.stack, context.db, mismatches);
  const subscriptions = await checkRows(context, mismatches);
  mismatches.push(...(await gateMismatches(context)));
  return { mismatches, ...events, subscriptions };
}
