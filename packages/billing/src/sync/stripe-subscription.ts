import type { SubscriptionRow } from '@groundwork/db';

import { planForPrice, type PlanPrices } from '../plans/catalogue.js';

/** The parts of a Stripe subscription we read, in both the current and the pre-2025-03-31 shape. */
export type StripeSubscriptionLike = {
  id: string;
  customer: string | { id: string };
  status: string;
  created?: number | null;
  start_date?: number | null;
  cancel_at_period_end?: boolean | null;
  trial_end?: number | null;
  canceled_at?: number | null;
  /** Before API version 2025-03-31 the period lived here. */
  current_period_start?: number | null;
  current_period_end?: number | null;
  /** Before prices existed (API versions up to 2020), a subscription had one plan. */
  plan?: { id: string } | null;
  items: {
    data: {
      price?: { id: string } | null;
      plan?: { id: string } | null;
      /** From API version 2025-03-31 on, the period lives on each item. */
      current_period_start?: number | null;
      current_period_end?: number | null;
    }[];
  };
};

const toDate = (seconds: number | null | undefined) =>
  typeof seconds === 'number' && Number.isFinite(seconds) ? new Date(seconds * 1000) : null;

export const customerIdOf = (customer: string | { id: string }) =>
  typeof customer === 'string' ? customer : customer.id;

/** The billing period, wherever this payload's API version put it. */
export function periodOf(subscription: StripeSubscriptionLike): { start: Date | null; end: Date | null } {
  const item = subscription.items.data[0];
  return {
    start: toDate(item?.current_period_start ?? subscription.current_period_start),
    end: toDate(item?.current_period_end ?? subscription.current_period_end),
  };
}

/** The local row for a Stripe subscription of an organization. */
export function toSubscriptionRow(
  subscription: StripeSubscriptionLike,
  context: { organizationId: string; prices: PlanPrices },
): SubscriptionRow {
  const item = subscription.items.data[0];
  const priceId = item?.price?.id ?? item?.plan?.id ?? subscription.plan?.id ?? 'unknown';
  const period = periodOf(subscription);
  return {
    id: subscription.id,
    organizationId: context.organizationId,
    stripeCustomerId: customerIdOf(subscription.customer),
    status: subscription.status,
    priceId,
    planKey: planForPrice(context.prices, priceId) ?? null,
    currentPeriodStart: period.start,
    currentPeriodEnd: period.end,
    cancelAtPeriodEnd: subscription.cancel_at_period_end ?? false,
    trialEnd: toDate(subscription.trial_end),
    canceledAt: toDate(subscription.canceled_at),
    // Some old payloads carry only start_date.
    stripeCreatedAt: toDate(subscription.created) ?? toDate(subscription.start_date) ?? new Date(0),
  };
}
