import type { StripeEmulator, StripeEvent, Subscription } from '@groundwork/stripe-emulator';

import type { Plan } from './organizations.js';

export type Prices = { pro: string; business: string };

/** The plan Stripe's subscription entitles to, for the states the suite creates (active or canceled). */
export function planOfSubscription(subscription: Subscription, prices: Prices): Plan {
  if (!['active', 'trialing'].includes(subscription.status)) return 'free';
  const price = subscription.items.data[0]?.price.id;
  if (price === prices.pro) return 'pro';
  if (price === prices.business) return 'business';
  return 'free';
}

/** The Stripe customer an event is about (the object itself for customer.* events). */
export function customerOfEvent(event: StripeEvent): string | null {
  const object = event.data.object as { object?: string; id?: string; customer?: unknown };
  if (object.object === 'customer') return object.id ?? null;
  return typeof object.customer === 'string' ? object.customer : null;
}

/** What the emulator holds for one organization: its customers (by the metadata the product sets) and their subscriptions. */
export function truthOf(stripe: StripeEmulator, organizationId: string) {
  const customers = [...stripe.state.customers.values()].filter(
    (customer) => customer.metadata.organizationId === organizationId,
  );
  const ids = new Set(customers.map((customer) => customer.id));
  const subscriptions = [...stripe.state.subscriptions.values()].filter((subscription) =>
    ids.has(subscription.customer),
  );
  return { customers, subscriptions };
}

/** The plan the organization is entitled to according to the emulator (the best of its subscriptions). */
export function expectedPlan(stripe: StripeEmulator, options: { organizationId: string; prices: Prices }): Plan {
  const plans = truthOf(stripe, options.organizationId).subscriptions.map((s) => planOfSubscription(s, options.prices));
  if (plans.includes('business')) return 'business';
  return plans.includes('pro') ? 'pro' : 'free';
}
