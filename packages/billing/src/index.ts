export {
  decideEntitlements,
  type Entitlements,
  type PolicyOptions,
  SUBSCRIPTION_STATUSES,
  type SubscriptionState,
  type SubscriptionStatus,
} from './entitlements/entitlement-policy.js';
export {
  type BillingInterval,
  type Feature,
  FEATURES,
  type Limits,
  type PaidPlanKey,
  type Plan,
  PLAN_KEYS,
  type PlanKey,
  type PlanPrices,
  PLANS,
  planForPrice,
} from './plans/catalogue.js';
