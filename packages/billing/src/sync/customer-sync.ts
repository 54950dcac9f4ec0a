import type { UnitOfWork } from '@groundwork/db';
import { inSpan, type Logger } from '@groundwork/core';
import type Stripe from 'stripe';

import { decideEntitlements } from '../entitlements/entitlement-policy.js';
import { toSubscriptionState } from '../entitlements/entitlement-reader.js';
import { SETTLED_BY_A_LATER_SYNC } from '../events/event-types.js';
import type { PlanPrices } from '../plans/catalogue.js';
import { type StripeSubscriptionLike, toSubscriptionRow } from './stripe-subscription.js';

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
  onEntitlementsChanged: (organizationId: string) => Promise<void>;
  logger: Logger;
};

const COMPARED = ['status', 'priceId', 'cancelAtPeriodEnd', 'currentPeriodEnd', 'trialEnd'] as const;

function differs(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  return COMPARED.some((key) => {
    const left = a[key];
    const right = b[key];
    if (left instanceof Date || right instanceof Date)
      return (left as Date | null)?.getTime() !== (right as Date | null)?.getTime();
    return left !== right;
  });
}

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
 * the same transaction, so any order, repetition or crash of events converges
 * on Stripe's state. An event's sync also settles the customer's other events
 * stored before its read began (ADR 033): that read already shows what they
 * announce, so N queued events of one customer cost one Stripe read.
 */
export function createCustomerSync(deps: CustomerSyncDeps) {
  return async function syncCustomer(
    customerId: string,
    options: { eventId?: string } = {},
  ): Promise<SyncResult | null> {
    const organization = await deps.uow.repositories.organizations.findByStripeCustomerId(customerId);
    if (!organization) return null;
    const ticket = await deps.uow.repositories.organizations.nextSyncTicket();
    // Listed before the read starts, so every one was stored, hence emitted by Stripe, before it:
    // the read shows their news. One stored after this point is left for its own sync.
    const { eventId } = options;
    const covered = eventId
      ? (await deps.uow.repositories.stripeEvents.listPendingIdsOfCustomer(customerId, SETTLED_BY_A_LATER_SYNC)).filter(
          (id) => id !== eventId,
        )
      : [];
    const remote = await listSubscriptions(deps.stripe, customerId);
    let coalesced = 0;
    const result = await deps.uow.transaction(async (repositories) => {
      const { subscriptions } = repositories;
      const settleEvents = async () => {
        if (!eventId) return;
        await repositories.stripeEvents.markProcessed(eventId);
        coalesced = await repositories.stripeEvents.markPendingProcessed(covered);
      };
      if (!(await repositories.organizations.claimSyncTicket(organization.id, ticket))) {
        // A read that started after this one has written: it saw everything these events could show.
        await settleEvents();
        return null;
      }
      const before = await subscriptions.findCurrentForOrganization(organization.id);
      const stored = new Map((await subscriptions.listForCustomer(customerId)).map((row) => [row.id, row]));

      const rows = remote.map((subscription) =>
        toSubscriptionRow(subscription, { organizationId: organization.id, prices: deps.prices }),
      );
      // Drift: what a re-sync had to correct. A row missing locally counts too when no event
      // announced it (a lost webhook); on an event's own sync a new row is simply the news.
      const drift = rows.filter((row) => {
        const previous = stored.get(row.id);
        if (!previous) return options.eventId === undefined;
        return differs(previous, row);
      }).length;
      await subscriptions.upsert(rows);
      await settleEvents();

      const after = await subscriptions.findCurrentForOrganization(organization.id);
      const policy = { pastDueGraceDays: deps.pastDueGraceDays };
      const now = new Date();
      const planBefore = decideEntitlements(toSubscriptionState(before), now, policy);
      const planAfter = decideEntitlements(toSubscriptionState(after), now, policy);
      if (planBefore.plan !== planAfter.plan || planBefore.status !== planAfter.status) {
        await repositories.audit.insert({
          type: 'billing.plan_changed',
          organizationId: organization.id,
          metadata: {
            planBefore: planBefore.plan,
            planAfter: planAfter.plan,
            statusBefore: planBefore.status,
            statusAfter: planAfter.status,
            eventId: options.eventId ?? null,
          },
        });
      }
      return {
        organizationId: organization.id,
        subscriptions: rows.length,
        drift,
        planBefore: planBefore.plan,
        planAfter: planAfter.plan,
      };
    });
    if (!result)
      return { organizationId: organization.id, subscriptions: remote.length, drift: 0, superseded: true, coalesced };
    if (result.drift > 0)
      deps.logger.warn({ customerId, ...result }, 'billing drift corrected: local state differed from Stripe');
    // After commit: every API instance drops its cached entitlements for this organization.
    await deps
      .onEntitlementsChanged(result.organizationId)
      .catch((err: unknown) =>
        deps.logger.error({ err, organizationId: result.organizationId }, 'could not publish entitlement change'),
      );
    return { ...result, coalesced };
  };
}

export type CustomerSync = ReturnType<typeof createCustomerSync>;
