export type { Customer, StripeEvent, Subscription, SubscriptionStatus } from './objects.js';
export { startStripeEmulator, type EmulatorOptions, type StripeEmulator } from './server.js';
export { EMULATED_API_VERSION, type SubscriptionChange } from './state.js';
export type { Delivery, ShapeVersion } from './webhooks.js';
