export {
  bullPrefix,
  closeRedis,
  createFastFailRedis,
  createSubscriberRedis,
  createWorkerRedis,
  pingRedis,
  type RedisClient,
  type RedisMode,
  type RedisTarget,
} from './connections.js';
export {
  BASE_JOB_OPTIONS,
  BASE_STALL_OPTIONS,
  defineQueue,
  type QueueDefinition,
  type StallOptions,
} from './define-queue.js';
export { createProducer, type Producer } from './producer.js';
export {
  type HousekeepingPayload,
  housekeepingQueue,
  PASSWORD_RESET_REQUEST,
  passwordResetRequestJobId,
  workerHeartbeatKey,
} from './queues/housekeeping.queue.js';
export { type QueueDefinitions, type QueueName, queueDefinitions } from './registry.js';
export { type BillingJob, billingQueue, organizationDeletionJobId } from './queues/billing.queue.js';
export { EMAIL_JOB_NAME, type EmailJob, emailsQueue } from './queues/emails.queue.js';
export { type StripeEventJob, stripeEventJobId, stripeEventsQueue } from './queues/stripe-events.queue.js';
