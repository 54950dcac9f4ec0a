import { AppError, type Logger } from '@groundwork/core';
import type { Knex, OrganizationRepository } from '@groundwork/db';
import Stripe from 'stripe';

import type { EntitlementReader } from '../entitlements/entitlement-reader.js';
import { type BillingInterval, type PaidPlanKey, PLAN_KEYS, PLANS, type PlanPrices } from '../plans/catalogue.js';
import type { CustomerSync } from '../sync/customer-sync.js';

export type BillingUrls = { successUrl: string; cancelUrl: string; portalReturnUrl: string };

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
   * serialize on an advisory lock and share one idempotency key, so an
   * organization never gets two customers.
   */
  async function ensureCustomer(organizationId: string): Promise<string> {
    const existing = await deps.organizations(deps.db).findStripeCustomerId(organizationId);
    if (existing) return existing;
    return deps.db.transaction(async (trx) => {
      await trx.raw('select pg_advisory_xact_lock(hashtextextended(?, 0))', [
        `stripe-customer-create:${organizationId}`,
      ]);
      const organizations = deps.organizations(trx);
      const linked = await organizations.findStripeCustomerId(organizationId);
      if (linked) return linked;
      const customer = await callStripe('create customer', () =>
        deps.stripe.customers.create(
          { metadata: { organizationId } },
          { idempotencyKey: `customer-${organizationId}` },
        ),
      );
      const stored = await organizations.linkStripeCustomer(organizationId, customer.id, trx);
      return stored ?? customer.id;
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
      if (current.plan !== 'free') {
        throw new AppError(
          'CONFLICT',
          'This organization already has a subscription; change it in the billing portal',
          {
            details: { plan: current.plan, status: current.status, usePortal: true },
          },
        );
      }
      const customer = await ensureCustomer(organizationId);
      // Double clicks within ten minutes get the same session instead of a second one.
      const window = Math.floor(Date.now() / 600_000);
      const session = await callStripe('create checkout session', () =>
        deps.stripe.checkout.sessions.create(
          {
            mode: 'subscription',
            customer,
            line_items: [{ price: priceId, quantity: 1 }],
            client_reference_id: organizationId,
            metadata: { organizationId },
            subscription_data: { metadata: { organizationId } },
            success_url: deps.urls.successUrl,
            cancel_url: deps.urls.cancelUrl,
          },
          { idempotencyKey: `checkout-${organizationId}-${priceId}-${window}` },
        ),
      );
      return { sessionId: session.id, url: session.url };
    },

    async createPortalSession(organizationId: string) {
      const customer = await deps.organizations(deps.db).findStripeCustomerId(organizationId);
      if (!customer)
        throw new AppError('CONFLICT', 'This organization has no billing account yet; start a checkout first');
      const session = await callStripe('create portal session', () =>
        deps.stripe.billingPortal.sessions.create({ customer, return_url: deps.urls.portalReturnUrl }),
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
