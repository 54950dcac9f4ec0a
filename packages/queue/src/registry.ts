import { billingQueue } from './queues/billing.queue.js';
import { emailsQueue } from './queues/emails.queue.js';
import { housekeepingQueue } from './queues/housekeeping.queue.js';
import { stripeEventsQueue } from './queues/stripe-events.queue.js';

/** Every queue of the product. The worker must register a processor for each (checked by the type system). */
export const queueDefinitions = {
  [housekeepingQueue.name]: housekeepingQueue,
  [stripeEventsQueue.name]: stripeEventsQueue,
  [billingQueue.name]: billingQueue,
  [emailsQueue.name]: emailsQueue,
} as const;

export type QueueDefinitions = typeof queueDefinitions;
export type QueueName = keyof QueueDefinitions;
