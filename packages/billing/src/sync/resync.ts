import type { OrganizationRepository } from '@groundwork/db';

import type { CustomerSync } from './customer-sync.js';

/** An organization and its Stripe customer. */
export type BillingCustomer = { id: string; stripeCustomerId: string };

/** Re-syncing customers on demand: the worker's scheduled re-sync and `billing:resync`. */
export function createResyncUseCases(deps: {
  organizations: Pick<OrganizationRepository, 'listIdsWithStripeCustomer' | 'findStripeCustomerId'>;
  syncCustomer: CustomerSync;
}) {
  return {
    /** Every organization that has a Stripe customer. */
    listCustomers: (): Promise<BillingCustomer[]> => deps.organizations.listIdsWithStripeCustomer(),

    /** One organization and its customer; null when it has none (yet). */
    async customerOf(organizationId: string): Promise<BillingCustomer | null> {
      const stripeCustomerId = await deps.organizations.findStripeCustomerId(organizationId);
      return stripeCustomerId ? { id: organizationId, stripeCustomerId } : null;
    },

    /**
     * Re-syncs the given organizations' customers one after the other. One
     * customer's failure (deleted at Stripe, an API error) is reported and the
     * rest still run.
     */
    async resyncCustomers(
      targets: readonly BillingCustomer[],
      onEach?: (target: BillingCustomer, error: unknown) => void,
    ): Promise<{ drift: number; failed: number }> {
      let drift = 0;
      let failed = 0;
      for (const target of targets) {
        let error: unknown = null;
        try {
          drift += (await deps.syncCustomer(target.stripeCustomerId))?.drift ?? 0;
        } catch (caught) {
          failed += 1;
          error = caught;
        }
        onEach?.(target, error);
      }
      return { drift, failed };
    },
  };
}
