import { type Feature, type Limits, PLANS, type PlanKey } from '../plans/catalogue.js';

/** Stripe's subscription statuses. */
export const SUBSCRIPTION_STATUSES = [
  'incomplete',
  'incomplete_expired',
  'trialing',
  'active',
  'past_due',
  'canceled',
  'unpaid',
  'paused',
] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

/** What the policy needs to know about an organization's subscription (as stored locally). */
export type SubscriptionState = {
  planKey: PlanKey;
  status: SubscriptionStatus;
  currentPeriodStart: Date | null;
  currentPeriodEnd: Date | null;
  cancelAtPeriodEnd: boolean;
};

export type Entitlements = {
  /** The plan whose features and limits apply now. */
  plan: PlanKey;
  /** The plan paid for, whatever its state (null: no subscription). */
  subscribedPlan: PlanKey | null;
  status: SubscriptionStatus | 'none';
  /** Why `plan` is what it is, for support and for PAYMENT_REQUIRED answers. */
  reason:
    | 'no_subscription'
    | 'active'
    | 'trialing'
    | 'canceling'
    | 'ended'
    | 'past_due_grace'
    | 'past_due_expired'
    | 'not_paid';
  features: Readonly<Record<Feature, boolean>>;
  limits: Readonly<Limits>;
  /** When this decision changes on its own (period end, grace end), if it does. */
  validUntil: Date | null;
};

export type PolicyOptions = { pastDueGraceDays: number };

function grant(
  plan: PlanKey,
  subscription: SubscriptionState | null,
  { reason, validUntil }: { reason: Entitlements['reason']; validUntil: Date | null },
): Entitlements {
  return {
    plan,
    subscribedPlan: subscription?.planKey ?? null,
    status: subscription?.status ?? 'none',
    reason,
    features: PLANS[plan].features,
    limits: PLANS[plan].limits,
    validUntil,
  };
}

/**
 * The entitlement policy: which plan an organization may use now, from its
 * stored subscription and the time. Pure, so every caller (API gate, worker,
 * support tooling) decides the same way.
 *
 * | status | access |
 * |---|---|
 * | active, trialing | the plan; with cancel_at_period_end, until the period ends |
 * | past_due | the plan for `pastDueGraceDays` after the period (the failed renewal) started, then free |
 * | incomplete, incomplete_expired, unpaid, canceled, paused | free |
 */
export function decideEntitlements(
  subscription: SubscriptionState | null,
  now: Date,
  options: PolicyOptions,
): Entitlements {
  if (!subscription) return grant('free', null, { reason: 'no_subscription', validUntil: null });
  const { status, planKey, currentPeriodEnd, currentPeriodStart } = subscription;
  switch (status) {
    case 'active':
    case 'trialing': {
      if (subscription.cancelAtPeriodEnd && currentPeriodEnd) {
        if (now >= currentPeriodEnd) return grant('free', subscription, { reason: 'ended', validUntil: null });
        return grant(planKey, subscription, { reason: 'canceling', validUntil: currentPeriodEnd });
      }
      return grant(planKey, subscription, { reason: status, validUntil: null });
    }
    case 'past_due': {
      const graceEnd = currentPeriodStart
        ? new Date(currentPeriodStart.getTime() + options.pastDueGraceDays * 86_400_000)
        : null;
      if (graceEnd && now < graceEnd)
        return grant(planKey, subscription, { reason: 'past_due_grace', validUntil: graceEnd });
      return grant('free', subscription, { reason: 'past_due_expired', validUntil: null });
    }
    case 'incomplete':
    case 'incomplete_expired':
    case 'unpaid':
    case 'canceled':
    case 'paused':
      return grant('free', subscription, { reason: 'not_paid', validUntil: null });
  }
}
