/**
 * The plans the product sells and what each one entitles an organization to.
 * Prices live in Stripe; their ids come from configuration (see `planPrices`).
 */
export const PLAN_KEYS = ['free', 'pro', 'business'] as const;
export type PlanKey = (typeof PLAN_KEYS)[number];

export const FEATURES = ['analytics', 'prioritySupport', 'sso'] as const;
export type Feature = (typeof FEATURES)[number];

export type Limits = {
  /** Calls to plan-gated procedures per organization per day. */
  gatedCallsPerDay: number;
  members: number;
};

export type Plan = {
  key: PlanKey;
  name: string;
  features: Readonly<Record<Feature, boolean>>;
  limits: Readonly<Limits>;
};

export const PLANS: Readonly<Record<PlanKey, Plan>> = {
  free: {
    key: 'free',
    name: 'Free',
    features: { analytics: false, prioritySupport: false, sso: false },
    limits: { gatedCallsPerDay: 1_000, members: 3 },
  },
  pro: {
    key: 'pro',
    name: 'Pro',
    features: { analytics: true, prioritySupport: false, sso: false },
    limits: { gatedCallsPerDay: 100_000, members: 20 },
  },
  business: {
    key: 'business',
    name: 'Business',
    features: { analytics: true, prioritySupport: true, sso: true },
    limits: { gatedCallsPerDay: 1_000_000, members: 500 },
  },
};

export type BillingInterval = 'month' | 'year';
export type PaidPlanKey = Exclude<PlanKey, 'free'>;

/** Stripe price ids per paid plan and interval (a missing yearly price means: not offered). */
export type PlanPrices = Readonly<Record<PaidPlanKey, Readonly<Partial<Record<BillingInterval, string>>>>>;

/** The plan a Stripe price id stands for, or undefined for a price we do not sell. */
export function planForPrice(prices: PlanPrices, priceId: string): PaidPlanKey | undefined {
  for (const [plan, byInterval] of Object.entries(prices) as [
    PaidPlanKey,
    Partial<Record<BillingInterval, string>>,
  ][]) {
    if (Object.values(byInterval).includes(priceId)) return plan;
  }
  return undefined;
}
