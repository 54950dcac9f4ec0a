import { setTimeout as delay } from 'node:timers/promises';

import type { StripeEvent } from '@groundwork/stripe-emulator';
import type pg from 'pg';

import type { Fault } from './faults.js';
import type { Organization, Plan } from './organizations.js';
import type { Stack } from './stack.js';
import { deliverStorm, shuffledWithDuplicates, type Target } from './storm.js';
import type { StoredPlanWatch } from './stored-plans.js';
import { customerOfEvent, expectedPlan } from './truth.js';
import { waitVisible } from './visibility.js';

/**
 * One organization's change: from its first accepted delivery to the moment every instance shows the new
 * plan, and in between, when the database was seen to hold it.
 */
export type Sample = { acceptedAt: number; storedAt: number; visibleAt: number };

export type RoundResult = {
  name: string;
  fault: string | null;
  startedAt: number;
  injectedAt: number | null;
  backAt: number | null;
  convergedAt: number;
  events: number;
  deliveries: number;
  retries: number;
  rejected: string[];
  samples: Sample[];
  /** From the round's start: when the storm was all accepted, when every change was visible. */
  phases: { stormMs: number; visibleMs: number };
};

export type RoundContext = {
  stack: Stack;
  organizations: Organization[];
  /** Events the emulator emitted and nobody delivered yet (filled by a listener). */
  emitted: StripeEvent[];
  /** Copies of earlier events, delivered again a round later: late and stale, as Stripe may. */
  stragglers: StripeEvent[];
  random: () => number;
  ratePerSecond: number;
  db: pg.Pool;
  stored: StoredPlanWatch;
  timeoutMs: number;
};

/** Until every accepted event is stored and none is left pending or failed; from outside the database is all there is to poll. */
async function storedEventsSettled(db: pg.Pool, accepted: Set<string>, deadline: number): Promise<void> {
  for (;;) {
    try {
      const { rows } = await db.query<{ unfinished: string; stored: string }>(
        `select count(*) filter (where status in ('pending', 'failed')) as unfinished,
                count(*) filter (where id = any($1)) as stored
           from stripe_events`,
        [[...accepted]],
      );
      if (Number(rows[0]?.unfinished) === 0 && Number(rows[0]?.stored) === accepted.size) return;
    } catch {
      // PostgreSQL is restarting: ask again.
    }
    if (performance.now() > deadline) throw new Error('stored events did not settle before the deadline');
    await delay(100);
  }
}

/**
 * One round: `change` alters Stripe's truth for every organization, the
 * events that makes are delivered as a shuffled, duplicated storm across both
 * APIs, and the fault (if any) strikes once 30% of the storm is accepted.
 * Resolves once every change is visible on both instances and every stored
 * event is settled.
 */
export async function runRound(
  context: RoundContext,
  round: { name: string; fault: Fault | null; change: (organization: Organization) => void },
): Promise<RoundResult> {
  const { stack, organizations } = context;
  const prices = stack.prices;
  const before = organizations.map((o) => expectedPlan(stack.stripe, { organizationId: o.organizationId, prices }));
  // Events emitted before this round's change (a customer created at signup) are delivered but start no clock.
  const earlier = context.emitted.splice(0);
  for (const organization of organizations) round.change(organization);
  const fresh = context.emitted.splice(0);
  const after = organizations.map((o) => expectedPlan(stack.stripe, { organizationId: o.organizationId, prices }));
  const batch = shuffledWithDuplicates([...earlier, ...fresh, ...context.stragglers.splice(0)], context.random);
  context.stragglers.push(...fresh.filter(() => context.random() < 0.1));

  const organizationOfCustomer = new Map(
    [...stack.stripe.state.customers.values()].map((customer) => [customer.id, customer.metadata.organizationId]),
  );
  const indexOfOrganization = new Map(organizations.map((o, index) => [o.organizationId, index]));
  const freshIds = new Set(fresh.map((event) => event.id));
  const eventIndex = new Map(
    fresh.map((event) => [
      event.id,
      indexOfOrganization.get(organizationOfCustomer.get(customerOfEvent(event) ?? '') ?? ''),
    ]),
  );

  const startedAt = performance.now();
  const deadline = startedAt + context.timeoutMs;
  const apiUrls = stack.apis.map((api) => api.url);
  const watched = new Set<number>();
  const samples: Promise<Sample>[] = [];
  const accepted = new Set<string>();
  const timing = { injectedAt: null as number | null, backAt: null as number | null };
  let faultDone: Promise<void> = Promise.resolve();
  let armed = false;
  const triggerAt = Math.max(1, Math.floor(batch.length * 0.3));
  let acceptances = 0;

  const strike = () => {
    if (!round.fault || timing.injectedAt !== null) return;
    timing.injectedAt = performance.now();
    faultDone = round.fault.inject(stack).then(() => {
      timing.backAt = performance.now();
    });
  };
  const storm = await deliverStorm({
    batch,
    targets: stack.apis.map((api): Target => ({ name: api.name, url: api.url })),
    secret: stack.webhookSecret,
    ratePerSecond: context.ratePerSecond,
    onAccepted: ({ eventId, at }) => {
      accepted.add(eventId);
      acceptances += 1;
      if (acceptances === triggerAt) {
        if (round.fault?.whenWritten) armed = true;
        else strike();
      }
      const index = eventIndex.get(eventId);
      if (!freshIds.has(eventId) || index === undefined || watched.has(index) || before[index] === after[index]) return;
      watched.add(index);
      const organization = organizations[index] as Organization;
      const expected = after[index] as Plan;
      samples.push(
        waitVisible(organization, expected, { apiUrls, deadline, stored: context.stored }).then((seen) => ({
          acceptedAt: at,
          ...seen,
        })),
      );
    },
    onWritten: (target) => {
      if (!armed || target.name !== round.fault?.whenWritten) return;
      armed = false;
      strike();
    },
  });
  strike(); // a storm too small to reach the trigger still gets its fault
  const stormEndedAt = performance.now();
  await faultDone;
  const results = await Promise.all(samples);
  const visibleAt = performance.now();
  await storedEventsSettled(context.db, accepted, deadline);
  return {
    name: round.name,
    fault: round.fault?.name ?? null,
    startedAt,
    ...timing,
    convergedAt: performance.now(),
    events: earlier.length + fresh.length,
    deliveries: storm.deliveries,
    retries: storm.retries,
    rejected: storm.rejected,
    samples: results,
    phases: { stormMs: stormEndedAt - startedAt, visibleMs: visibleAt - startedAt },
  };
}
