import { startStripeEmulator } from '@groundwork/stripe-emulator';

import { emulatorStripeEnv, LOCAL_WEBHOOK_SECRET } from './dev-stripe-env.js';

/**
 * The local Stripe emulator for development without a Stripe account: the API
 * talks to it through the real SDK, and it sends signed webhooks to the API.
 */
export async function startDevStripe(options: { port: number; apiPort: number; log: (line: string) => void }) {
  const emulator = await startStripeEmulator({
    port: options.port,
    webhook: { url: `http://127.0.0.1:${options.apiPort}/webhooks/stripe`, secret: LOCAL_WEBHOOK_SECRET },
  });
  options.log(
    `local Stripe emulator at ${emulator.url} (webhooks to http://127.0.0.1:${options.apiPort}/webhooks/stripe)`,
  );
  return {
    env: emulatorStripeEnv(emulator.port),
    stop: () => emulator.close(),
  };
}
