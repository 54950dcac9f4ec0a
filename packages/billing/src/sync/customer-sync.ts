import type { UnitOfWork } from '@groundwork/db';
import { inSpan, type Logger } from '@groundwork/core';
import type Stripe from 'stripe';

import { SETTLED_BY_A_LATER_SYNC } from '../events/event-types.js';
import type { PlanPrices } from '../plans/catalogue.js';
import { type StripeSubscriptionLike, toSubscriptionRow } from './stripe-subscription.js';
import { changeOf } from './sync-change.js';

export type SyncResult = {
  organizationId: string;
  subscriptions: number;
  /** Rows whose stored state differed from Stripe's before this sync (missed or out-of-order events). */
  drift: number;
  planBefore?: string;
  planAfter?: string;
  /** A sync whose read started later had already written; this one wrote nothing. */
  superseded?: boolean;
  /** Other stored events of the customer this sync settled along with its own (ADR 033). */
  coalesced?: number;
};

export type CustomerSyncDeps = {
  uow: UnitOfWork;
  stripe: Stripe;
  prices: PlanPrices;
  pastDueGraceDays: number;
  /** Called after each committed write; never rejects (`createBilling` logs a failed publish). */
  onEntitlementsChanged: (organizationId: string) => Promise<void>;
  logger: Logger;
};

/**
 * Writes that may find the snapshot outdated before one goes through: each
 * retry means a sync with an older ticket wrote in between, which a storm of
 * one customer's events makes possible a few times, not without end.
 */
const MAX_WRITE_ATTEMPTS = 10;

/** Whether the last written ticket is older than this sync's (tickets pass 2^53: compared as bigints). */
const writtenBefore = (syncedTicket: string | null, ticket: string) =>
  syncedTicket === null || BigInt(syncedTicket) < BigInt(ticket);

async function listSubscriptions(stripe: Stripe, customerId: string): Promise<StripeSubscriptionLike[]> {
  return inSpan('stripe.subscriptions.list', { 'stripe.customer': customerId }, async () => {
    const listed: StripeSubscriptionLike[] = [];
    for await (const subscription of stripe.subscriptions.list({ customer: customerId, status: 'all', limit: 100 })) {
      listed.push(subscription);
    }
    return listed;
  });
}

/**
 * Makes the local subscriptions of one Stripe customer equal to Stripe's, read
 * fresh from the API outside any transaction (ADR 020). A ticket taken before
 * the read orders the syncs of a customer: one writes only if no later-started
 * read has written already, and the triggering event is marked processed in
 * the same statement, so any order, repetition or crash of events converges
 * on Stripe's state. An event's sync also settles the customer's other events
 * stored before its read began (ADR 033): that read already shows what they
 * announce, so N queued events of one customer cost one Stripe read. One
 * statement before the read and one after it (ADR 041): the plan before and
 * after, and the drift, are computed from the rows in hand.
 */
export function createCustomerSync(deps: CustomerSyncDeps) {
  const { customerSyncs } = deps.uow.repositories;
  const policy = { pastDueGraceDays: deps.pastDueGraceDays };
  return async function syncCustomer(
    customerId: string,
    options: { eventId?: string } = {},
  ): Promise<SyncResult | null> {
    const { eventId } = options;
    // The covered events are listed before the read starts, so every one was stored, hence emitted
    // by Stripe, before it: the read shows their news. One stored after this is left for its own sync.
    const start = await customerSyncs.start(customerId, {
      types: eventId ? SETTLED_BY_A_LATER_SYNC : [],
      exceptEventId: eventId ?? null,
    });
    if (!start) return null;
    const { organizationId, ticket, covered } = start;
    const remote = await listSubscriptions(deps.stripe, customerId);
    const rows = remote.map((subscription) => toSubscriptionRow(subscription, { organizationId, prices: deps.prices }));

    let snapshot = start.snapshot;
    for (let attempt = 1; ; attempt += 1) {
      const change = changeOf(snapshot, rows, { customerId, organizationId, eventId, policy, now: new Date() });
      const written = await customerSyncs.write({
        organizationId,
        ticket,
        seenTicket: snapshot.syncedTicket,
        rows,
        eventId: eventId ?? null,
        covered,
        audit: change.audit,
      });
      if (written.claimed) {
        const result = {
          organizationId,
          subscriptions: rows.length,
          drift: change.drift,
          planBefore: change.planBefore,
          planAfter: change.planAfter,
        };
        if (result.drift > 0)
          deps.logger.warn({ customerId, ...result }, 'billing drift corrected: local state differed from Stripe');
        // After commit: every API instance drops its cached entitlements for this organization.
        await deps.onEntitlementsChanged(organizationId);
        return { ...result, coalesced: written.coalesced };
      }
      const latest = await customerSyncs.readSnapshot(organizationId, customerId);
      if (!latest || !writtenBefore(latest.syncedTicket, ticket)) {
        // A read that started after this one has written: it saw everything these events could show.
        const coalesced = eventId ? await customerSyncs.settle(eventId, covered) : 0;
        return { organizationId, subscriptions: remote.length, drift: 0, superseded: true, coalesced };
      }
      if (attempt >= MAX_WRITE_ATTEMPTS)
        throw new Error(`the billing rows of organization ${organizationId} kept changing under sync ${ticket}`);
      // An older read wrote since the snapshot: this newer one still writes, against what is there now.
      snapshot = latest;
    }
  };
}

export type CustomerSync = ReturnType<typeof createCustomerSync>;
