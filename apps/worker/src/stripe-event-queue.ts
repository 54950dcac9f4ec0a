import type { Producer, stripeEventsQueue } from '@groundwork/queue';
import { stripeEventJobId } from '@groundwork/queue';

/**
 * Puts a stored Stripe event (back) on its queue. The job id is the event id,
 * and BullMQ silently ignores an add whose id it still holds, so a job that
 * already failed (a stall, or a crash before the event was marked) is retried,
 * and a completed one replaced; a waiting or active one is left alone.
 */
export function createStripeEventEnqueuer(producer: Producer<typeof stripeEventsQueue>) {
  return async function enqueueStripeEvent(eventId: string): Promise<void> {
    const job = await producer.queue.getJob(stripeEventJobId(eventId));
    if (job) {
      const state = await job.getState();
      if (state === 'failed') {
        await job.retry('failed');
        return;
      }
      if (state !== 'completed') return;
      await job.remove();
    }
    await producer.enqueue('stripe-event', { eventId }, { jobId: stripeEventJobId(eventId) });
  };
}
