import { AppError, type Logger } from '@groundwork/core';
import type { UnitOfWork } from '@groundwork/db';
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
    if (error instanceof Stripe.errors.StripeIdempotencyError) {
      // Another checkout of the organization, for another plan, took this attempt's key first.
      throw new AppError('CONFLICT', 'Another checkout for this organization is being started; try again', {
        cause: error,
      });
    }
    if (error instanceof Stripe.errors.StripeConnectionError || error instanceof Stripe.errors.StripeAPIError) {
      throw new AppError('UNAVAILABLE', 'The billing provider is unavailable; try again shortly', { cause: error });
    }
    throw new AppError('INTERNAL', `Stripe call failed: ${what}`, { cause: error });
  }
}

async function listAll<T>(list: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of list) items.push(item);
  return items;
}

/**
 * Checkout: plans, the organization's Stripe customer, Checkout and portal
 * sessions. No database transaction or pooled connection is held across a
 * Stripe call (ADR 014, ADR 017): concurrent checkouts agree through Stripe's
 * idempotency keys and the conditional link of the customer.
 */
export function createBillingService(deps: {
  uow: Pick<UnitOfWork, 'repositories'>;
  stripe: Stripe;
  prices: PlanPrices;
  urls: BillingUrls;
  readEntitlements: EntitlementReader;
  syncCustomer: CustomerSync;
  logger: Logger;
}) {
  const { organizations } = deps.uow.repositories;

  /**
   * The organization's Stripe customer, created on first use. Concurrent calls
   * share one idempotency key, so Stripe returns the same customer to all of
   * them, and the link is only written where none exists yet: never two.
   */
  async function ensureCustomer(organizationId: string): Promise<string> {
    const existing = await organizations.findStripeCustomerId(organizationId);
    if (existing) return existing;
    const customer = await callStripe('create customer', () =>
      deps.stripe.customers.create({ metadata: { organizationId } }, { idempotencyKey: `customer-${organizationId}` }),
    );
    return (await organizations.linkStripeCustomer(organizationId, customer.id)) ?? customer.id;
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
      // Stripe, not the local copy, decides: a webhook may not have arrived yet, and a
      // past_due or unpaid subscription may still be revived by a paid invoice.
      const live = await callStripe('list subscriptions', () =>
        deps.stripe.subscriptions.list({ customer, status: 'all', limit: 100 }),
      );
      const blocking = live.data.find((subscription) => !TERMINAL_STATUSES.has(subscription.status));
      if (blocking) throw alreadySubscribed(current.plan, blocking.status);

      // One open checkout per organization: reuse it for the same price (a double click),
      // expire it for another (a second tab), so two subscriptions can never be paid for.
      const sessions = await callStripe('list checkout sessions', () =>
        listAll(deps.stripe.checkout.sessions.list({ customer, limit: 100 })),
      );
      const open = sessions.filter((session) => session.status === 'open');
      const reusable = open.find((session) => session.metadata?.priceId === priceId);
      for (const session of open) {
        if (session.id === reusable?.id) continue;
        await callStripe('expire checkout session', () =>
          deps.stripe.checkout.sessions.expire(session.id, {}, { idempotencyKey: `expire-${session.id}` }),
        );
      }
      if (reusable) return { sessionId: reusable.id, url: reusable.url };

      // The key names the attempt by how many sessions the customer had: checkouts that raced
      // past the list above share it, so Stripe creates one session and returns it to each
      // (or refuses one for another price: CONFLICT). The next attempt sees one more session.
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
          { idempotencyKey: `checkout-${organizationId}-${sessions.length}` },
        ),
      );
      return { sessionId: session.id, url: session.url };
    },

    async createPortalSession(organizationId: string) {
      const customer = await organizations.findStripeCustomerId(organizationId);
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
      const customer = await organizations.findStripeCustomerId(organizationId);
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
