import type { Billing } from '@groundwork/billing';
import type { Logger } from '@groundwork/core';
import type { BillingJob } from '@groundwork/queue';

export type BillingJobDeps = {
  billing: Pick<Billing, 'events' | 'organizations' | 'syncCustomer' | 'resyncCustomers' | 'processEvent'>;
  /** Puts a stored event on the stripe-events queue (job id = event id, so never twice). */
  enqueueEvent: (eventId: string) => Promise<unknown>;
  logger: Logger;
  /** Told how many subscriptions a re-sync found different from Stripe (a metric). */
  onDrift?: (count: number) => void;
  /** Events younger than this are left to the webhook's own enqueue. */
  sweepGraceMs?: number;
};

export function createBillingHandler(deps: BillingJobDeps) {
  return async function handleBillingJob(payload: BillingJob) {
    switch (payload.task) {
      case 'sweep-events': {
        const olderThan = new Date(Date.now() - (deps.sweepGraceMs ?? 30_000));
        const ids = await deps.billing.events.listPendingIds(olderThan);
        for (const id of ids) await deps.enqueueEvent(id);
        if (ids.length > 0) deps.logger.info({ count: ids.length }, 'swept stored stripe events onto the queue');
        return { task: payload.task, enqueued: ids.length };
      }
      case 'resync-all': {
        const organizations = await deps.billing.organizations.listIdsWithStripeCustomer();
        const { drift, failed } = await deps.billing.resyncCustomers(organizations, (organization, err) => {
          if (err)
            deps.logger.error({ err, organizationId: organization.id }, 'billing re-sync of one customer failed');
        });
        deps.logger.info({ customers: organizations.length, drift, failed }, 'billing re-sync finished');
        deps.onDrift?.(drift);
        return { task: payload.task, customers: organizations.length, drift, failed };
      }
      case 'resync-customer': {
        const result = await deps.billing.syncCustomer(payload.customerId);
        deps.onDrift?.(result?.drift ?? 0);
        return { task: payload.task, drift: result?.drift ?? 0 };
      }
    }
  };
}
