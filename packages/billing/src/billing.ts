import type { Logger } from '@groundwork/core';
import {
  createAuditEventRepository,
  createOrganizationRepository,
  createStripeEventRepository,
  createSubscriptionRepository,
  type Knex,
} from '@groundwork/db';
import type { Redis } from 'ioredis';
import type Stripe from 'stripe';

import { type BillingUrls, createBillingService } from './checkout/billing.service.js';
import { createEntitlementReader } from './entitlements/entitlement-reader.js';
import { publishEntitlementsChanged } from './entitlements/invalidation.js';
import { createStripeEventProcessor } from './events/event-processor.js';
import type { PlanPrices } from './plans/catalogue.js';
import { createStripeClient } from './stripe/stripe-client.js';
import { stripeHealthCheck } from './stripe/stripe-health.js';
import { createCustomerSync } from './sync/customer-sync.js';

export type BillingOptions = {
  db: Knex;
  stripe: Stripe;
  prices: PlanPrices;
  pastDueGraceDays: number;
  urls: BillingUrls;
  /** Called after a sync committed, with the organization whose entitlements may have changed. */
  onEntitlementsChanged: (organizationId: string) => Promise<void>;
  logger: Logger;
};

/** Wires the billing pieces the API, the worker and the CLI share. */
export function createBilling(options: BillingOptions) {
  const { db } = options;
  const events = createStripeEventRepository(db);
  const organizations = createOrganizationRepository(db);
  const subscriptions = createSubscriptionRepository(db);
  const readEntitlements = createEntitlementReader({ subscriptions, pastDueGraceDays: options.pastDueGraceDays });
  const syncCustomer = createCustomerSync({
    db,
    stripe: options.stripe,
    prices: options.prices,
    pastDueGraceDays: options.pastDueGraceDays,
    repositories: {
      organizations: createOrganizationRepository,
      subscriptions: createSubscriptionRepository,
      stripeEvents: createStripeEventRepository,
      audit: createAuditEventRepository,
    },
    onEntitlementsChanged: options.onEntitlementsChanged,
    logger: options.logger,
  });
  /**
   * Re-syncs the given organizations' customers one after the other. One
   * customer's failure (deleted at Stripe, an API error) is reported and the
   * rest still run.
   */
  async function resyncCustomers(
    targets: readonly { id: string; stripeCustomerId: string }[],
    onEach?: (target: { id: string; stripeCustomerId: string }, error: unknown) => void,
  ): Promise<{ drift: number; failed: number }> {
    let drift = 0;
    let failed = 0;
    for (const target of targets) {
      let error: unknown = null;
      try {
        drift += (await syncCustomer(target.stripeCustomerId))?.drift ?? 0;
      } catch (caught) {
        failed += 1;
        error = caught;
      }
      onEach?.(target, error);
    }
    return { drift, failed };
  }

  return {
    events,
    organizations,
    readEntitlements,
    syncCustomer,
    resyncCustomers,
    processEvent: createStripeEventProcessor({ events, organizations, syncCustomer, logger: options.logger }),
    service: createBillingService({
      db,
      stripe: options.stripe,
      prices: options.prices,
      urls: options.urls,
      organizations: createOrganizationRepository,
      readEntitlements,
      syncCustomer,
      logger: options.logger,
    }),
  };
}

export type Billing = ReturnType<typeof createBilling>;

/** The billing part of the configuration, as plain values (structurally `config.billing`). */
export type BillingSettings = {
  stripeSecretKey: string | null;
  apiBase: string | null;
  prices: PlanPrices;
  pastDueGraceDays: number;
  successUrl: string;
  cancelUrl: string;
  portalReturnUrl: string;
};

/**
 * Billing wired from settings: the pinned Stripe client (Stripe or the local
 * emulator), and entitlement changes announced on Redis pub/sub. Without a
 * secret key (development and tests only; production refuses to start) every
 * Stripe call fails as "billing provider unavailable".
 */
export function createBillingFromSettings(deps: {
  settings: BillingSettings;
  db: Knex;
  redis: Redis;
  keyPrefix: string;
  logger: Logger;
}) {
  const { settings } = deps;
  if (!settings.stripeSecretKey) deps.logger.warn('STRIPE_SECRET_KEY is not set: billing calls will fail');
  const stripe = createStripeClient({
    secretKey: settings.stripeSecretKey ?? 'sk_test_not_configured',
    apiBase: settings.stripeSecretKey ? settings.apiBase : (settings.apiBase ?? 'http://127.0.0.1:1'),
  });
  return {
    stripe,
    /** The `stripe` readiness check over this client (non-gating; see {@link stripeHealthCheck}). */
    healthCheck: (intervalMs: number) =>
      stripeHealthCheck(stripe, { configured: Boolean(settings.stripeSecretKey), intervalMs }),
    ...createBilling({
      db: deps.db,
      stripe,
      prices: settings.prices,
      pastDueGraceDays: settings.pastDueGraceDays,
      urls: {
        successUrl: settings.successUrl,
        cancelUrl: settings.cancelUrl,
        portalReturnUrl: settings.portalReturnUrl,
      },
      onEntitlementsChanged: (organizationId) => publishEntitlementsChanged(deps.redis, deps.keyPrefix, organizationId),
      logger: deps.logger,
    }),
  };
}
