import { type QueueDefinitions, type QueueName, queueDefinitions } from '@groundwork/queue';
import { type Job, UnrecoverableError } from 'bullmq';
import type { z } from 'zod';

import { type BillingJobDeps, createBillingHandler } from './jobs/billing.job.js';
import { createEmailHandler, type EmailJobDeps } from './jobs/email.job.js';
import { createHousekeepingHandler, type HousekeepingDeps } from './jobs/housekeeping.job.js';
import { createStripeEventHandler } from './jobs/stripe-event.job.js';

export type JobProcessor = (job: Job) => Promise<unknown>;

/**
 * Validates a job's data against its queue contract before the handler sees
 * it. A payload that does not match will never match on retry, so it fails
 * permanently instead of burning attempts.
 */
function validated<TName extends QueueName>(
  name: TName,
  handler: (payload: z.output<QueueDefinitions[TName]['payload']>, job: Job) => Promise<unknown>,
): JobProcessor {
  const schema = queueDefinitions[name].payload;
  return async function processValidatedJob(job) {
    const parsed = schema.safeParse(job.data);
    if (!parsed.success) {
      throw new UnrecoverableError(`Job ${job.id ?? '?'} on ${name} has an invalid payload: ${parsed.error.message}`);
    }
    return handler(parsed.data as z.output<QueueDefinitions[TName]['payload']>, job);
  };
}

export type ProcessorDeps = { housekeeping: HousekeepingDeps; billing: BillingJobDeps; emails: EmailJobDeps };

/** One processor per queue; a queue added to the registry without one here fails typecheck. */
export function createProcessors(deps: ProcessorDeps): Record<QueueName, JobProcessor> {
  return {
    housekeeping: validated('housekeeping', createHousekeepingHandler(deps.housekeeping)),
    'stripe-events': validated('stripe-events', createStripeEventHandler(deps.billing)),
    billing: validated('billing', createBillingHandler(deps.billing)),
    emails: validated('emails', createEmailHandler(deps.emails)),
  };
}
