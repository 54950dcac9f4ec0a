/** The Stripe object shapes the emulator serves, limited to the fields Groundwork and the SDK read. */

export type Metadata = Record<string, string>;

export type Customer = {
  id: string;
  object: 'customer';
  created: number;
  email: string | null;
  name: string | null;
  metadata: Metadata;
  livemode: false;
};

export type Price = {
  id: string;
  object: 'price';
  active: true;
  currency: 'usd';
  product: string;
  recurring: { interval: 'month' | 'year'; interval_count: 1 };
  unit_amount: number;
};

export type SubscriptionItem = {
  id: string;
  object: 'subscription_item';
  price: Price;
  quantity: number;
  /** Since API version 2025-03-31 the period lives on the item. */
  current_period_start: number;
  current_period_end: number;
};

export type SubscriptionStatus =
  'incomplete' | 'incomplete_expired' | 'trialing' | 'active' | 'past_due' | 'canceled' | 'unpaid' | 'paused';

export type Subscription = {
  id: string;
  object: 'subscription';
  created: number;
  customer: string;
  status: SubscriptionStatus;
  cancel_at_period_end: boolean;
  canceled_at: number | null;
  ended_at: number | null;
  trial_end: number | null;
  metadata: Metadata;
  items: { object: 'list'; data: SubscriptionItem[]; has_more: false; url: string };
  livemode: false;
};

export type CheckoutSession = {
  id: string;
  object: 'checkout.session';
  created: number;
  mode: 'subscription';
  status: 'open' | 'complete' | 'expired';
  payment_status: 'unpaid' | 'paid' | 'no_payment_required';
  customer: string | null;
  client_reference_id: string | null;
  metadata: Metadata;
  subscription: string | null;
  success_url: string;
  cancel_url: string | null;
  url: string | null;
  line_items_price: string;
  livemode: false;
};

export type PortalSession = {
  id: string;
  object: 'billing_portal.session';
  created: number;
  customer: string;
  return_url: string | null;
  url: string;
  livemode: false;
};

export type StripeEvent = {
  id: string;
  object: 'event';
  api_version: string;
  created: number;
  data: { object: unknown; previous_attributes?: Record<string, unknown> };
  livemode: false;
  pending_webhooks: number;
  request: { id: string | null; idempotency_key: string | null };
  type: string;
};

/**
 * A subscription as an older API version (before 2025-03-31) would send it:
 * the period on the subscription itself, not on its items.
 */
export function toLegacyShape(subscription: Subscription): Record<string, unknown> {
  const first = subscription.items.data[0];
  return {
    ...subscription,
    current_period_start: first?.current_period_start ?? null,
    current_period_end: first?.current_period_end ?? null,
    plan: first?.price ?? null,
    items: {
      ...subscription.items,
      data: subscription.items.data.map(({ current_period_start: _start, current_period_end: _end, ...item }) => item),
    },
  };
}
