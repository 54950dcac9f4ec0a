export type { Customer, StripeEvent, Subscription, SubscriptionStatus } from './objects.js';
export { startStripeEmulator, type EmulatorOptions, type StripeEmulator } from './server.js';
export { DEFAULT_PRICES, EMULATED_API_VERSION, type SubscriptionChange } from './state.js';
export { type Delivery, presentEvent, type ShapeVersion } from './webhooks.js';
