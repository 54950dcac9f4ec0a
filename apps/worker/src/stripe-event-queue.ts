import type { Producer, stripeEventsQueue } from '@groundwork/queue';
import { stripeEventJobId } from '@groundwork/queue';

/** Puts a stored Stripe event (back) on its queue, re-driving a job that already failed or completed. */
export function createStripeEventEnqueuer(producer: Producer<typeof stripeEventsQueue>) {
  return (eventId: string) => producer.requeue('stripe-event', { eventId }, stripeEventJobId(eventId));
}
