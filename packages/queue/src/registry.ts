import { housekeepingQueue } from './queues/housekeeping.queue.js';

/** Every queue of the product. The worker must register a processor for each (checked by the type system). */
export const queueDefinitions = {
  [housekeepingQueue.name]: housekeepingQueue,
} as const;

export type QueueDefinitions = typeof queueDefinitions;
export type QueueName = keyof QueueDefinitions;
