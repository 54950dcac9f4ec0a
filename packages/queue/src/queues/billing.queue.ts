import { z } from 'zod';

import { defineQueue } from '../define-queue.js';

/**
 * Billing upkeep: the inbox sweeper (re-enqueue stored but unprocessed events),
 * the periodic re-sync of every customer, and one customer's re-sync on demand.
 */
export const billingQueue = defineQueue({
  name: 'billing',
  payload: z.discriminatedUnion('task', [
    z.strictObject({ task: z.literal('sweep-events') }),
    z.strictObject({ task: z.literal('resync-all') }),
    z.strictObject({ task: z.literal('resync-customer'), customerId: z.string().regex(/^cus_\w+$/) }),
  ]),
  defaultJobOptions: { attempts: 3, backoff: { type: 'exponential', delay: 5_000 } },
});

export type BillingJob = z.infer<typeof billingQueue.payload>;
