/**
 * `npm run stripe:emulator`: the local Stripe emulator on its own, for when the
 * API runs elsewhere (`npm start`, containers). Point the API at it with
 * STRIPE_API_BASE, STRIPE_SECRET_KEY=sk_test_… and the webhook secret below.
 */
import { readEnv } from '@groundwork/config';

import { loadDevSettings } from './lib/dev-settings.js';
import { startDevStripe } from './lib/dev-stripe.js';

const settings = loadDevSettings(readEnv());
const stripe = await startDevStripe({
  port: settings.stripeEmulatorPort,
  apiPort: settings.apiPort,
  log: (line) => console.error(`[groundwork] ${line}`),
});
console.error(
  `[groundwork] set STRIPE_API_BASE=${stripe.env.STRIPE_API_BASE} STRIPE_SECRET_KEY=${stripe.env.STRIPE_SECRET_KEY} STRIPE_WEBHOOK_SECRET=${stripe.env.STRIPE_WEBHOOK_SECRET}`,
);
const stop = () => void stripe.stop().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
