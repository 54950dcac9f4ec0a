import { describe, expect, test } from 'vitest';

import { periodOf, type StripeSubscriptionLike, toSubscriptionRow } from './stripe-subscription.js';

const prices = { pro: { month: 'price_pro_monthly' }, business: { month: 'price_business_monthly' } };

const current: StripeSubscriptionLike = {
  id: 'sub_1',
  customer: 'cus_1',
  status: 'active',
  created: 1_700_000_000,
  cancel_at_period_end: true,
  items: {
    data: [
      { price: { id: 'price_pro_monthly' }, current_period_start: 1_700_000_000, current_period_end: 1_702_592_000 },
    ],
  },
};

const legacy: StripeSubscriptionLike = {
  id: 'sub_2',
  customer: { id: 'cus_2' },
  status: 'past_due',
  start_date: 1_600_000_000,
  current_period_start: 1_600_000_000,
  current_period_end: 1_602_592_000,
  plan: { id: 'price_business_monthly' },
  items: { data: [{ plan: { id: 'price_business_monthly' } }] },
};

describe('reading Stripe subscriptions', () => {
  test('when the period sits on the items (API 2025-03-31 and later), then it is read from there', () => {
    expect(periodOf(current)).toEqual({ start: new Date(1_700_000_000_000), end: new Date(1_702_592_000_000) });
  });

  test('when the period sits on the subscription (older API versions), then it is read from there', () => {
    expect(periodOf(legacy)).toEqual({ start: new Date(1_600_000_000_000), end: new Date(1_602_592_000_000) });
  });

  test('when converting both shapes, then plan, customer and dates come out the same way', () => {
    expect(toSubscriptionRow(current, { organizationId: 'org', prices })).toMatchObject({
      stripeCustomerId: 'cus_1',
      planKey: 'pro',
      cancelAtPeriodEnd: true,
      stripeCreatedAt: new Date(1_700_000_000_000),
    });
    expect(toSubscriptionRow(legacy, { organizationId: 'org', prices })).toMatchObject({
      stripeCustomerId: 'cus_2',
      planKey: 'business',
      priceId: 'price_business_monthly',
      cancelAtPeriodEnd: false,
      stripeCreatedAt: new Date(1_600_000_000_000),
    });
  });

  test('when the price is not in the catalogue, then the row keeps it but maps to no plan', () => {
    const unknown = { ...current, items: { data: [{ price: { id: 'price_someone_else' } }] } };
    expect(toSubscriptionRow(unknown, { organizationId: 'org', prices })).toMatchObject({
      priceId: 'price_someone_else',
      planKey: null,
    });
  });
});
