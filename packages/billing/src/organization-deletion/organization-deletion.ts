import { AppError, type Logger } from '@groundwork/core';
import type { OrganizationDeletion, UnitOfWork } from '@groundwork/db';
import Stripe from 'stripe';

/** Subscriptions Stripe will never charge again: nothing to cancel. */
const FINISHED_STATUSES = new Set<Stripe.Subscription.Status>(['canceled', 'incomplete_expired']);

/**
 * Finishing the deletion of organizations whose last owner deleted their
 * account (recorded by `auth.deleteAccount`): their Stripe subscriptions are
 * canceled, then the organization is deleted, in that order, so a crash
 * between the two leaves a record the next attempt or the sweeper completes
 * (ADR 023). Every step is safe to repeat.
 */
export function createOrganizationDeletion(deps: { uow: UnitOfWork; stripe: Stripe; logger: Logger }) {
  const { organizationDeletions } = deps.uow.repositories;

  /** Cancels every subscription still live at Stripe; returns how many it canceled. */
  async function cancelSubscriptions(deletion: OrganizationDeletion, customer: string): Promise<number> {
    let canceled = 0;
    try {
      for await (const subscription of deps.stripe.subscriptions.list({ customer, status: 'all', limit: 100 })) {
        if (FINISHED_STATUSES.has(subscription.status)) continue;
        // One key per deletion and subscription: a retry after a lost response is answered, not repeated.
        await deps.stripe.subscriptions.cancel(
          subscription.id,
          {},
          { idempotencyKey: `organization-deletion-${deletion.id}-${subscription.id}` },
        );
        canceled += 1;
      }
    } catch (err) {
      // A customer deleted at Stripe has no subscription left to cancel.
      if (err instanceof Stripe.errors.StripeInvalidRequestError && err.code === 'resource_missing') return canceled;
      throw err;
    }
    return canceled;
  }

  return {
    /**
     * Cancels the organization's subscriptions, then deletes it and audits it.
     * Completed already: does nothing.
     *
     * @throws AppError NOT_FOUND when no such deletion was recorded (retrying cannot help)
     */
    async completeOrganizationDeletion(
      deletionId: string,
    ): Promise<{ completed: boolean; canceledSubscriptions: number }> {
      const deletion = await organizationDeletions.findById(deletionId);
      if (!deletion) throw new AppError('NOT_FOUND', `No organization deletion ${deletionId} was recorded`);
      if (deletion.completedAt) return { completed: false, canceledSubscriptions: 0 };
      try {
        const canceledSubscriptions = deletion.stripeCustomerId
          ? await cancelSubscriptions(deletion, deletion.stripeCustomerId)
          : 0;
        const completed = await deps.uow.transaction(async (repositories) => {
          if (!(await repositories.organizationDeletions.complete(deletion.id))) return false;
          await repositories.audit.insert({
            type: 'organization.deleted',
            actorUserId: deletion.requestedByUserId,
            organizationId: deletion.organizationId,
            metadata: { deletionId: deletion.id, canceledSubscriptions, reason: 'owner_account_deleted' },
          });
          return true;
        });
        return { completed, canceledSubscriptions };
      } catch (err) {
        // The job fails with the original error even when counting the attempt fails too.
        await organizationDeletions
          .recordFailure(deletion.id, err instanceof Error ? err.message : String(err))
          .catch((recordError: unknown) =>
            deps.logger.warn({ err: recordError, deletionId }, 'could not record a failed organization deletion'),
          );
        throw err;
      }
    },

    /**
     * Queues again every deletion unfinished since before `olderThan` (a job
     * lost with Redis, an API that died before queueing, retries exhausted).
     * Returns how many it queued.
     */
    async sweepOrganizationDeletions(options: {
      olderThan: Date;
      limit?: number;
      enqueue: (deletionId: string) => Promise<unknown>;
    }): Promise<number> {
      const ids = await organizationDeletions.listUnfinishedIds(options.olderThan, options.limit);
      for (const id of ids) await options.enqueue(id);
      if (ids.length > 0) deps.logger.info({ count: ids.length }, 'unfinished organization deletions queued again');
      return ids.length;
    },
  };
}

export type OrganizationDeletionUseCases = ReturnType<typeof createOrganizationDeletion>;
