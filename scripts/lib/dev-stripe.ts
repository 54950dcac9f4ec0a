import { startStripeEmulator } from '@groundwork/stripe-emulator';

/** The webhook secret the local emulator signs with; only ever used against the emulator. */
export const LOCAL_WEBHOOK_SECRET = 'whsec_local_stripe_emulator';

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
    env: {
      STRIPE_SECRET_KEY: 'sk_test_local_stripe_emulator',
      STRIPE_WEBHOOK_SECRET: LOCAL_WEBHOOK_SECRET,
      STRIPE_API_BASE: emulator.url,
    },
    stop: () => emulator.close(),
  };
}
