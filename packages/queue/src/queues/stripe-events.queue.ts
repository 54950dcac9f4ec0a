import { z } from 'zod';

import { defineQueue } from '../define-queue.js';

/**
 * Verified Stripe webhook events, stored in `stripe_events` first; the job
 * carries only the event id and uses it as its job id, so a duplicate delivery
 * never becomes a second job.
 */
export const stripeEventsQueue = defineQueue({
  name: 'stripe-events',
  payload: z.strictObject({
    eventId: z.string().regex(/^evt_\w+$/),
    /** The webhook request's id and W3C trace context, so logs and traces follow the event into the worker. */
    requestId: z.string().max(128).optional(),
    trace: z
      .strictObject({ traceparent: z.string().max(256).optional(), tracestate: z.string().max(512).optional() })
      .optional(),
  }),
  // A retry is usually a restarting PostgreSQL or Stripe hiccup: the first comes after 0.5 s, not 2 s,
  // and two more attempts keep the whole budget (about 4 minutes) as it was (ADR 033).
  defaultJobOptions: { attempts: 10, backoff: { type: 'exponential', delay: 500 } },
  // One Stripe read and one short transaction: a dead worker's events resume elsewhere within about
  // lockDuration + 2 × stalledInterval = 4 s, not the 9 s of the base settings (ADR 033).
  stall: { lockDuration: 2_000, stalledInterval: 1_000 },
});

export type StripeEventJob = z.infer<typeof stripeEventsQueue.payload>;

/** BullMQ job ids may not contain ':'; Stripe ids never do. */
export const stripeEventJobId = (eventId: string) => eventId;
