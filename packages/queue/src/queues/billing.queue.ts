import { z } from 'zod';

import { defineQueue } from '../define-queue.js';

/**
 * Billing upkeep: the inbox sweeper (re-enqueue stored but unprocessed events),
 * the periodic re-sync of every customer, one customer's re-sync on demand,
 * and finishing an organization's deletion (cancel at Stripe, then delete) with
 * its sweeper.
 */
export const billingQueue = defineQueue({
  name: 'billing',
  payload: z.discriminatedUnion('task', [
    z.strictObject({ task: z.literal('sweep-events') }),
    z.strictObject({ task: z.literal('resync-all') }),
    z.strictObject({ task: z.literal('resync-customer'), customerId: z.string().regex(/^cus_\w+$/) }),
    z.strictObject({ task: z.literal('delete-organization'), deletionId: z.uuid() }),
    z.strictObject({ task: z.literal('sweep-organization-deletions') }),
  ]),
  defaultJobOptions: { attempts: 3, backoff: { type: 'exponential', delay: 5_000 } },
});

export type BillingJob = z.infer<typeof billingQueue.payload>;

/** One job per recorded deletion, whoever queues it (the API, the sweeper); ids hold no ':'. */
export const organizationDeletionJobId = (deletionId: string) => `organization-deletion-${deletionId}`;
