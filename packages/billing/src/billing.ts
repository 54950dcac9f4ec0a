import type { Logger } from '@groundwork/core';
import { createUnitOfWork, type Knex, type UnitOfWork } from '@groundwork/db';
import type { Cluster, Redis } from 'ioredis';
import type Stripe from 'stripe';

import { type BillingUrls, createBillingService } from './checkout/billing.service.js';
import { createEntitlementReader } from './entitlements/entitlement-reader.js';
import { publishEntitlementsChanged } from './entitlements/invalidation.js';
import { createStripeEventProcessor } from './events/event-processor.js';
import { createEventUseCases } from './events/event-use-cases.js';
import { createOrganizationDeletion } from './organization-deletion/organization-deletion.js';
import type { PlanPrices } from './plans/catalogue.js';
import { createStripeClient } from './stripe/stripe-client.js';
import { stripeHealthCheck } from './stripe/stripe-health.js';
import { createCustomerSync } from './sync/customer-sync.js';
import { createResyncUseCases } from './sync/resync.js';

export type BillingOptions = {
  uow: UnitOfWork;
  stripe: Stripe;
  prices: PlanPrices;
  pastDueGraceDays: number;
  urls: BillingUrls;
  /** Called after a sync committed, with the organization whose entitlements may have changed. */
  onEntitlementsChanged: (organizationId: string) => Promise<void>;
  logger: Logger;
};

/**
 * The billing domain the API, the worker and the CLI share, as use cases:
 * callers never reach its repositories.
 */
export function createBilling(options: BillingOptions) {
  const { uow, logger } = options;
  const { organizations, stripeEvents, subscriptions } = uow.repositories;
  const readEntitlements = createEntitlementReader({ subscriptions, pastDueGraceDays: options.pastDueGraceDays });
  // After a commit: every API instance drops its cached entitlements. A failed publish is logged, not thrown:
  // the change is committed, and the caches' TTL bounds how long they may show the old plan.
  const announceEntitlements = (organizationId: string) =>
    options
      .onEntitlementsChanged(organizationId)
      .catch((err: unknown) => logger.error({ err, organizationId }, 'could not publish entitlement change'));
  const syncCustomer = createCustomerSync({
    uow,
    stripe: options.stripe,
    prices: options.prices,
    pastDueGraceDays: options.pastDueGraceDays,
    onEntitlementsChanged: announceEntitlements,
    logger,
  });
  const processEvent = createStripeEventProcessor({
    events: stripeEvents,
    organizations,
    syncCustomer,
    onEntitlementsChanged: announceEntitlements,
    logger,
  });
  return {
    readEntitlements,
    syncCustomer,
    processEvent,
    ...createEventUseCases({ events: stripeEvents, processEvent, logger }),
    ...createResyncUseCases({ organizations, syncCustomer }),
    ...createOrganizationDeletion({ uow, stripe: options.stripe, logger }),
    service: createBillingService({
      uow,
      stripe: options.stripe,
      prices: options.prices,
      urls: options.urls,
      readEntitlements,
      syncCustomer,
      logger,
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
 * The one place billing is built from its configuration slice, for every
 * process (the API's services; the worker runtime, and through it the tests
 * and the CLI): the pinned Stripe client (Stripe or the local emulator), the
 * unit of work over `db`, and entitlement changes announced on Redis pub/sub.
 * Without a secret key (development and tests only; production refuses to
 * start) every Stripe call fails as "billing provider unavailable".
 *
 * @param settings `config.billing`
 * @param deps the process's connections; `keyPrefix` is `config.redis.keyPrefix`
 */
export function createBillingFromSettings(
  settings: BillingSettings,
  deps: { db: Knex; redis: Redis | Cluster; keyPrefix: string; logger: Logger },
) {
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
      uow: createUnitOfWork(deps.db),
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
