import type { Billing } from '@groundwork/billing';
import { AppError, type Logger } from '@groundwork/core';
import type { BillingJob } from '@groundwork/queue';
import { UnrecoverableError } from 'bullmq';

export type BillingJobDeps = {
  billing: Pick<
    Billing,
    | 'sweepPendingEvents'
    | 'listCustomers'
    | 'resyncCustomers'
    | 'syncCustomer'
    | 'processEvent'
    | 'completeOrganizationDeletion'
    | 'sweepOrganizationDeletions'
  >;
  /** Puts a stored event on the stripe-events queue (job id = event id, so never twice). */
  enqueueEvent: (eventId: string) => Promise<unknown>;
  /** Puts a recorded organization deletion (back) on the billing queue, re-driving a failed job. */
  requeueOrganizationDeletion: (deletionId: string) => Promise<unknown>;
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
export function createEventSweep(deps: Pick<BillingJobDeps, 'billing' | 'enqueueEvent'>) {
  return function sweepEvents(options: { graceMs: number; limit?: number }): Promise<number> {
    return deps.billing.sweepPendingEvents({
      olderThan: new Date(Date.now() - options.graceMs),
      limit: options.limit,
      enqueue: deps.enqueueEvent,
    });
  };
}

/**
 * Queues again the organization deletions left unfinished (same grace as the
 * event sweep: younger ones are still in the API's own enqueue).
 */
export function createOrganizationDeletionSweep(deps: Pick<BillingJobDeps, 'billing' | 'requeueOrganizationDeletion'>) {
  return function sweepOrganizationDeletions(options: { graceMs: number; limit?: number }): Promise<number> {
    return deps.billing.sweepOrganizationDeletions({
      olderThan: new Date(Date.now() - options.graceMs),
      limit: options.limit,
      enqueue: deps.requeueOrganizationDeletion,
    });
  };
}

async function completeOrganizationDeletion(deps: Pick<BillingJobDeps, 'billing'>, deletionId: string) {
  try {
    return await deps.billing.completeOrganizationDeletion(deletionId);
  } catch (err) {
    // A deletion that was never recorded will not appear on retry.
    if (err instanceof AppError && err.code === 'NOT_FOUND') throw new UnrecoverableError(err.message);
    throw err;
  }
}

export function createBillingHandler(deps: BillingJobDeps) {
  const sweepEvents = createEventSweep(deps);
  const sweepOrganizationDeletions = createOrganizationDeletionSweep(deps);
  return async function handleBillingJob(payload: BillingJob) {
    switch (payload.task) {
      case 'sweep-events': {
        return { task: payload.task, enqueued: await sweepEvents({ graceMs: deps.sweepGraceMs }) };
      }
      case 'resync-all': {
        const organizations = await deps.billing.listCustomers();
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
      case 'delete-organization': {
        return { task: payload.task, ...(await completeOrganizationDeletion(deps, payload.deletionId)) };
      }
      case 'sweep-organization-deletions': {
        return { task: payload.task, enqueued: await sweepOrganizationDeletions({ graceMs: deps.sweepGraceMs }) };
      }
    }
  };
}
