import { ConfigError, type EnvSource, loadConfigOrExit, readEnv } from '@groundwork/config';
import { createLogger } from '@groundwork/core';

import { createBillingDependencies } from '../../apps/worker/src/runtime.js';
import { loadDevSettings } from './dev-settings.js';
import { emulatorStripeEnv } from './dev-stripe-env.js';

/**
 * In development without a Stripe key, the local emulator's settings: the
 * ones `npm run dev` gives the API and the worker, so the commands work
 * against the dev stack as they are.
 */
function withDevStripeDefaults(env: EnvSource): EnvSource {
  if (env.NODE_ENV !== 'development' || env.STRIPE_SECRET_KEY) return env;
  let port: number;
  try {
    port = loadDevSettings(env).stripeEmulatorPort;
  } catch (error) {
    if (error instanceof ConfigError) return env; // loadConfigOrExit names the bad settings
    throw error;
  }
  const stripe = emulatorStripeEnv(port);
  console.error(`[groundwork] no STRIPE_SECRET_KEY: using the local Stripe emulator at ${stripe.STRIPE_API_BASE}`);
  return { ...env, ...stripe };
}

/**
 * Billing for a one-off command: the worker runtime's connections and billing
 * domain (the same builder as the worker's), without consuming any queue;
 * torn down by `close`.
 */
export function startBillingRuntime() {
  const config = loadConfigOrExit(withDevStripeDefaults(readEnv()));
  const logger = createLogger({
    service: 'billing-cli',
    pretty: config.log.pretty,
    level: config.log.level === 'info' ? 'warn' : config.log.level,
  });
  return createBillingDependencies({ config, logger, applicationName: 'groundwork-cli' });
}
