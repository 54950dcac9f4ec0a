import type { Billing } from '@groundwork/billing';
import { inSpan, type Logger, withTraceCarrier } from '@groundwork/core';
import type { StripeEventJob } from '@groundwork/queue';
import type { Job } from 'bullmq';

/** The last attempt BullMQ will make for this job (or a permanent failure): the event goes to the dead-letter state. */
function isFinalAttempt(job: Job, error: unknown): boolean {
  const attempts = job.opts.attempts ?? 1;
  return (error instanceof Error && error.name === 'UnrecoverableError') || job.attemptsMade + 1 >= attempts;
}

export function createStripeEventHandler(deps: { billing: Pick<Billing, 'processEvent' | 'events'>; logger: Logger }) {
  return async function handleStripeEvent(payload: StripeEventJob, job: Job) {
    try {
      // The trace started at the webhook continues here (and on into the Stripe call).
      const outcome = await withTraceCarrier(payload.trace, () =>
        inSpan(
          'stripe.event.process',
          {
            'stripe.event_id': payload.eventId,
            'request.id': payload.requestId ?? '',
            'job.attempt': job.attemptsMade + 1,
          },
          () => deps.billing.processEvent(payload.eventId),
        ),
      );
      return { eventId: payload.eventId, outcome };
    } catch (error) {
      if (isFinalAttempt(job, error)) {
        const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        await deps.billing.events.markFailed(payload.eventId, message);
        deps.logger.error(
          { err: error, eventId: payload.eventId, reqId: payload.requestId },
          'stripe event moved to dead letter',
        );
      }
      throw error;
    }
  };
}
