import { randomUUID } from 'node:crypto';

import { AppError, type Logger } from '@groundwork/core';
import type { Knex, OrganizationRepository } from '@groundwork/db';
import Stripe from 'stripe';

import type { EntitlementReader } from '../entitlements/entitlement-reader.js';
import { type BillingInterval, type PaidPlanKey, PLAN_KEYS, PLANS, type PlanPrices } from '../plans/catalogue.js';
import type { CustomerSync } from '../sync/customer-sync.js';

export type BillingUrls = { successUrl: string; cancelUrl: string; portalReturnUrl: string };

/** Subscriptions that can never bill again; any other status blocks a new checkout. */
const TERMINAL_STATUSES = new Set(['canceled', 'incomplete_expired']);

function alreadySubscribed(plan: string, status: string) {
  return new AppError('CONFLICT', 'This organization already has a subscription; change it in the billing portal', {
    details: { plan, status, usePortal: true },
  });
}

/** Stripe being down or slow is a temporary condition for the client, not our bug. */
async function callStripe<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof Stripe.errors.StripeConnectionError || error instanceof Stripe.errors.StripeAPIError) {
      throw new AppError('UNAVAILABLE', 'The billing provider is unavailable; try again shortly', { cause: error });
    }
    throw new AppError('INTERNAL', `Stripe call failed: ${what}`, { cause: error });
  }
}

export function createBillingService(deps: {
  db: Knex;
  stripe: Stripe;
  prices: PlanPrices;
  urls: BillingUrls;
  organizations: (
    db: Knex,
  ) => Pick<OrganizationRepository, 'findStripeCustomerId' | 'linkStripeCustomer' | 'findForMember'>;
  readEntitlements: EntitlementReader;
  syncCustomer: CustomerSync;
  logger: Logger;
}) {
  /**
   * The organization's Stripe customer, created on first use. Concurrent calls
   * share one idempotency key, so Stripe returns the same customer to all of
   * them, and the link is only written where none exists yet: never two.
   */
  async function ensureCustomer(organizationId: string): Promise<string> {
    const organizations = deps.organizations(deps.db);
    const existing = await organizations.findStripeCustomerId(organizationId);
    if (existing) return existing;
    const customer = await callStripe('create customer', () =>
      deps.stripe.customers.create({ metadata: { organizationId } }, { idempotencyKey: `customer-${organizationId}` }),
    );
    return (await organizations.linkStripeCustomer(organizationId, customer.id)) ?? customer.id;
  }

  /**
   * Runs `work` while holding the organization's billing lock (a transaction-
   * scoped advisory lock), so two checkouts of one organization never decide
   * at the same time. Stripe calls happen inside, hence the longer timeout.
   */
  async function withOrganizationLock<T>(organizationId: string, work: () => Promise<T>): Promise<T> {
    return deps.db.transaction(async (trx) => {
      await trx.raw("set local statement_timeout = '60s'");
      await trx.raw('select pg_advisory_xact_lock(hashtextextended(?, 0))', [`billing-checkout:${organizationId}`]);
      return work();
    });
  }

  function priceFor(plan: PaidPlanKey, interval: BillingInterval): string {
    const priceId = deps.prices[plan][interval];
    if (!priceId)
      throw new AppError('INVALID', `The ${plan} plan is not offered with ${interval}ly billing`, {
        details: { plan, interval },
      });
    return priceId;
  }

  return {
    plans() {
      return PLAN_KEYS.map((key) => ({
        key,
        name: PLANS[key].name,
        features: PLANS[key].features,
        limits: PLANS[key].limits,
        intervals: key === 'free' ? [] : (Object.keys(deps.prices[key]) as BillingInterval[]),
      }));
    },

    async subscription(organizationId: string) {
      const entitlements = await deps.readEntitlements(organizationId);
      return entitlements;
    },

    ensureCustomer,

    /**
     * A Checkout Session for a paid plan. URLs come from configuration, never
     * from the client. An organization that already has an entitling
     * subscription is sent to the portal instead: never two subscriptions.
     */
    async createCheckoutSession(organizationId: string, choice: { plan: PaidPlanKey; interval: BillingInterval }) {
      const priceId = priceFor(choice.plan, choice.interval);
      const current = await deps.readEntitlements(organizationId);
      if (current.plan !== 'free') throw alreadySubscribed(current.plan, current.status);
      const customer = await ensureCustomer(organizationId);
      return withOrganizationLock(organizationId, async () => {
        // Stripe, not the local copy, decides: a webhook may not have arrived yet, and a
        // past_due or unpaid subscription may still be revived by a paid invoice.
        const live = await callStripe('list subscriptions', () =>
          deps.stripe.subscriptions.list({ customer, status: 'all', limit: 100 }),
        );
        const blocking = live.data.find((subscription) => !TERMINAL_STATUSES.has(subscription.status));
        if (blocking) throw alreadySubscribed(current.plan, blocking.status);

        // One open checkout per organization: reuse it for the same price (a double click),
        // expire it for another (a second tab), so two subscriptions can never be paid for.
        const open = await callStripe('list checkout sessions', () =>
          deps.stripe.checkout.sessions.list({ customer, status: 'open', limit: 100 }),
        );
        const reusable = open.data.find((session) => session.metadata?.priceId === priceId);
        for (const session of open.data) {
          if (session.id === reusable?.id) continue;
          await callStripe('expire checkout session', () =>
            deps.stripe.checkout.sessions.expire(session.id, {}, { idempotencyKey: `expire-${session.id}` }),
          );
        }
        if (reusable) return { sessionId: reusable.id, url: reusable.url };

        const session = await callStripe('create checkout session', () =>
          deps.stripe.checkout.sessions.create(
            {
              mode: 'subscription',
              customer,
              line_items: [{ price: priceId, quantity: 1 }],
              client_reference_id: organizationId,
              metadata: { organizationId, priceId },
              subscription_data: { metadata: { organizationId } },
              success_url: deps.urls.successUrl,
              cancel_url: deps.urls.cancelUrl,
            },
            { idempotencyKey: `checkout-${organizationId}-${priceId}-${randomUUID()}` },
          ),
        );
        return { sessionId: session.id, url: session.url };
      });
    },

    async createPortalSession(organizationId: string) {
      const customer = await deps.organizations(deps.db).findStripeCustomerId(organizationId);
      if (!customer)
        throw new AppError('CONFLICT', 'This organization has no billing account yet; start a checkout first');
      const session = await callStripe('create portal session', () =>
        deps.stripe.billingPortal.sessions.create(
          { customer, return_url: deps.urls.portalReturnUrl },
          { idempotencyKey: `portal-${organizationId}-${Math.floor(Date.now() / 60_000)}` },
        ),
      );
      return { url: session.url };
    },

    /** For the success page: syncs from Stripe at once instead of waiting for the webhook. */
    async syncCheckout(organizationId: string, sessionId: string) {
      const customer = await deps.organizations(deps.db).findStripeCustomerId(organizationId);
      const session = await callStripe('retrieve checkout session', () =>
        deps.stripe.checkout.sessions.retrieve(sessionId).catch((error: unknown) => {
          if (error instanceof Stripe.errors.StripeInvalidRequestError && error.statusCode === 404) return null;
          throw error;
        }),
      );
      const sessionCustomer = typeof session?.customer === 'string' ? session.customer : session?.customer?.id;
      // Someone else's session and a missing one look the same.
      if (!session || !customer || sessionCustomer !== customer)
        throw new AppError('NOT_FOUND', 'Checkout session not found');
      await deps.syncCustomer(customer);
      return deps.readEntitlements(organizationId);
    },
  };
}

export type BillingService = ReturnType<typeof createBillingService>;
