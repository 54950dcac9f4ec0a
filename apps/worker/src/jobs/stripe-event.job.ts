import type { Billing } from '@groundwork/billing';
import { AppError, inSpan, type Logger, withTraceCarrier } from '@groundwork/core';
import type { StripeEventJob } from '@groundwork/queue';
import type { Job } from 'bullmq';

export function createStripeEventHandler(deps: { billing: Pick<Billing, 'processEvent'> }) {
  return async function handleStripeEvent(payload: StripeEventJob, job: Job) {
    // The trace started at the webhook continues here (and on into the Stripe call).
    const outcome = await withTraceCarrier(payload.trace, () =>
      inSpan(
        'stripe.event.process',
        {
          'stripe.event_id': payload.eventId,
          'request.id': payload.requestId ?? '',
          'job.attempt': job.attemptsMade + 1,
        },
        // An earlier run of this job may have committed without announcing: its worker died (stall detection
        // moved the job back), or the commit's reply was lost with the connection (the attempt failed).
        () => deps.billing.processEvent(payload.eventId, { retried: job.stalledCounter > 0 || job.attemptsMade > 0 }),
      ),
    );
    return { eventId: payload.eventId, outcome };
  };
}

/**
 * The final-failure hook of the stripe-events queue (see `startWorkers`): the
 * event enters the dead-letter state with its error, whether the processor
 * threw on its last attempt or the job stalled once too often.
 */
export function createStripeEventDeadLetter(deps: { billing: Pick<Billing, 'markEventFailed'>; logger: Logger }) {
  return async function deadLetterStripeEvent(job: Job, error: Error): Promise<void> {
    const { eventId, requestId } = job.data as { eventId?: unknown; requestId?: unknown };
    if (error instanceof AppError && error.code === 'NOT_FOUND') {
      // Not in the inbox: nothing to dead-letter. Writing anyway would race a store that
      // comes late (after a crash between storing and queueing) and bury an event the
      // sweeper is about to process.
      deps.logger.warn(
        { eventId, reqId: requestId },
        'stripe event job failed for good: the event is not in the inbox',
      );
      return;
    }
    await deps.billing.markEventFailed(String(eventId), `${error.name}: ${error.message}`);
    deps.logger.error({ err: error, eventId, reqId: requestId }, 'stripe event moved to dead letter');
  };
}
