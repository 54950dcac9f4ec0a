export {
  type Billing,
  type BillingOptions,
  type BillingSettings,
  createBilling,
  createBillingFromSettings,
} from './billing.js';
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
export { type BillingService, type BillingUrls, createBillingService } from './checkout/billing.service.js';
export {
  createEntitlementReader,
  type EntitlementReader,
  toSubscriptionState,
} from './entitlements/entitlement-reader.js';
export { entitlementsChannel, publishEntitlementsChanged } from './entitlements/invalidation.js';
export { createStripeEventProcessor, type EventOutcome, type StripeEventProcessor } from './events/event-processor.js';
export { customerOfEvent, HANDLED_EVENT_TYPES } from './events/event-types.js';
export { createEventUseCases, type ReplayOutcome } from './events/event-use-cases.js';
export {
  createWebhookInbox,
  type DeliveryMeta,
  type InboxBatching,
  type InboxOutcome,
  type WebhookInbox,
} from './events/webhook-inbox.js';
export { createStripeClient, STRIPE_API_VERSION, type StripeClientOptions } from './stripe/stripe-client.js';
export { stripeHealthCheck } from './stripe/stripe-health.js';
export { createCustomerSync, type CustomerSync, type SyncResult } from './sync/customer-sync.js';
export { type BillingCustomer, createResyncUseCases } from './sync/resync.js';
export { periodOf, type StripeSubscriptionLike, toSubscriptionRow } from './sync/stripe-subscription.js';
export {
  createOrganizationDeletion,
  type OrganizationDeletionUseCases,
} from './organization-deletion/organization-deletion.js';
