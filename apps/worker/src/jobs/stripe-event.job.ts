import type { Billing } from '@groundwork/billing';
import { inSpan, type Logger, withTraceCarrier } from '@groundwork/core';
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
        () => deps.billing.processEvent(payload.eventId),
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
    await deps.billing.markEventFailed(String(eventId), `${error.name}: ${error.message}`);
    deps.logger.error({ err: error, eventId, reqId: requestId }, 'stripe event moved to dead letter');
  };
}
