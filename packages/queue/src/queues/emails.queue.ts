import { z } from 'zod';

import { defineQueue } from '../define-queue.js';

/**
 * Outgoing e-mail, recorded in `outbound_emails` first; the job carries only
 * the message id (never the address or the link) and uses it as its job id,
 * so dispatching a message twice never sends it twice.
 */
export const emailsQueue = defineQueue({
  name: 'emails',
  payload: z.strictObject({
    emailId: z.uuid(),
    requestId: z.string().max(128).optional(),
  }),
  // An SMTP server that is down for a while: about 17 minutes of retries in all.
  defaultJobOptions: { attempts: 10, backoff: { type: 'exponential', delay: 1_000 } },
});

/** The job name every delivery job carries (API dispatch and the worker's sweeper alike); its id is the message id. */
export const EMAIL_JOB_NAME = 'deliver';

export type EmailJob = z.infer<typeof emailsQueue.payload>;
