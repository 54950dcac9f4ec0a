/** The webhook secret the local emulator signs with; only ever used against the emulator. */
export const LOCAL_WEBHOOK_SECRET = 'whsec_local_stripe_emulator';

/**
 * The Stripe settings that point the product at the local emulator on `port`:
 * what `npm run dev` gives the API and the worker when STRIPE_SECRET_KEY is
 * unset, and what the billing commands assume in development.
 */
export function emulatorStripeEnv(port: number) {
  return {
    STRIPE_SECRET_KEY: 'sk_test_local_stripe_emulator',
    STRIPE_WEBHOOK_SECRET: LOCAL_WEBHOOK_SECRET,
    STRIPE_API_BASE: `http://127.0.0.1:${port}`,
  };
}
