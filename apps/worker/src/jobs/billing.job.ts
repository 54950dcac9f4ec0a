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
  /** Events younger than this are left to the webhook's own enqueue (STRIPE_EVENT_SWEEP_GRACE_MS). */
  sweepGraceMs: number;
};

/**
 * Puts stored but unprocessed events (back) on the queue. Queueing one twice
 * is harmless (job id = event id, and a processed event is a no-op), so the
 * grace only saves work while the webhook's own enqueue is in flight.
 */
export function createEventSweep(deps: Pick<BillingJobDeps, 'billing' | 'enqueueEvent' | 'logger'>) {
  return async function sweepEvents(options: { graceMs: number; limit?: number }): Promise<number> {
    const olderThan = new Date(Date.now() - options.graceMs);
    const ids = await deps.billing.events.listPendingIds(olderThan, options.limit);
    for (const id of ids) await deps.enqueueEvent(id);
    if (ids.length > 0) deps.logger.info({ count: ids.length }, 'swept stored stripe events onto the queue');
    return ids.length;
  };
}

export function createBillingHandler(deps: BillingJobDeps) {
  const sweepEvents = createEventSweep(deps);
  return async function handleBillingJob(payload: BillingJob) {
    switch (payload.task) {
      case 'sweep-events': {
        return { task: payload.task, enqueued: await sweepEvents({ graceMs: deps.sweepGraceMs }) };
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
