import fc from 'fast-check';
import { describe, expect, test } from 'vitest';

import { PLANS } from '../plans/catalogue.js';
import { decideEntitlements, SUBSCRIPTION_STATUSES, type SubscriptionState } from './entitlement-policy.js';

const DAY = 86_400_000;
const now = new Date('2026-11-29T12:00:00Z');
const options = { pastDueGraceDays: 3 };

function subscription(overrides: Partial<SubscriptionState> = {}): SubscriptionState {
  return {
    planKey: 'pro',
    status: 'active',
    currentPeriodStart: new Date(now.getTime() - 10 * DAY),
    currentPeriodEnd: new Date(now.getTime() + 20 * DAY),
    cancelAtPeriodEnd: false,
    ...overrides,
  };
}

describe('decideEntitlements', () => {
  test('when there is no subscription, then the free plan applies', () => {
    expect(decideEntitlements(null, now, options)).toMatchObject({
      plan: 'free',
      subscribedPlan: null,
      status: 'none',
      reason: 'no_subscription',
      features: PLANS.free.features,
    });
  });

  test.each([
    ['active', 'active'],
    ['trialing', 'trialing'],
  ] as const)('when %s, then the subscribed plan applies with its features and limits', (status, reason) => {
    const decision = decideEntitlements(subscription({ status, planKey: 'business' }), now, options);

    expect(decision).toMatchObject({ plan: 'business', reason, validUntil: null });
    expect(decision.features.sso).toBe(true);
    expect(decision.limits).toEqual(PLANS.business.limits);
  });

  test('when canceling at period end, then access lasts until the period ends, and not a millisecond longer', () => {
    const end = new Date(now.getTime() + DAY);
    const canceling = subscription({ cancelAtPeriodEnd: true, currentPeriodEnd: end });

    expect(decideEntitlements(canceling, now, options)).toMatchObject({
      plan: 'pro',
      reason: 'canceling',
      validUntil: end,
    });
    expect(decideEntitlements(canceling, new Date(end.getTime() - 1), options).plan).toBe('pro');
    expect(decideEntitlements(canceling, end, options)).toMatchObject({ plan: 'free', reason: 'ended' });
  });

  test('when past due, then access lasts for the grace period after the failed renewal, then falls to free', () => {
    const renewal = new Date(now.getTime() - DAY);
    const pastDue = subscription({ status: 'past_due', currentPeriodStart: renewal });
    const graceEnd = new Date(renewal.getTime() + 3 * DAY);

    expect(decideEntitlements(pastDue, now, options)).toMatchObject({
      plan: 'pro',
      reason: 'past_due_grace',
      validUntil: graceEnd,
    });
    expect(decideEntitlements(pastDue, graceEnd, options)).toMatchObject({ plan: 'free', reason: 'past_due_expired' });
    expect(decideEntitlements(pastDue, now, { pastDueGraceDays: 0 }).plan).toBe('free');
  });

  test.each(['incomplete', 'incomplete_expired', 'unpaid', 'canceled', 'paused'] as const)(
    'when %s, then only free applies, whatever the period says',
    (status) => {
      const decision = decideEntitlements(subscription({ status, planKey: 'business' }), now, options);

      expect(decision).toMatchObject({ plan: 'free', subscribedPlan: 'business', status, reason: 'not_paid' });
      expect(decision.features).toEqual(PLANS.free.features);
    },
  );

  test('when any subscription and time are given, then the decision is free or the subscribed plan, and paid access needs a paying status', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SUBSCRIPTION_STATUSES),
        fc.constantFrom('pro' as const, 'business' as const),
        fc.boolean(),
        fc.integer({ min: -40, max: 40 }),
        fc.integer({ min: -40, max: 40 }),
        (status, planKey, cancelAtPeriodEnd, startDays, lengthDays) => {
          const start = new Date(now.getTime() + startDays * DAY);
          const state = subscription({
            status,
            planKey,
            cancelAtPeriodEnd,
            currentPeriodStart: start,
            currentPeriodEnd: new Date(start.getTime() + Math.abs(lengthDays) * DAY),
          });
          const decision = decideEntitlements(state, now, options);
          expect(['free', planKey]).toContain(decision.plan);
          if (decision.plan !== 'free') expect(['active', 'trialing', 'past_due']).toContain(status);
          expect(decision.features).toEqual(PLANS[decision.plan].features);
        },
      ),
    );
  });
});
