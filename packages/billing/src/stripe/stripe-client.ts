import Stripe from 'stripe';

/**
 * The Stripe API version this code is written against. Pinned so a change in
 * the account's default version cannot silently change object shapes (as
 * 2025-03-31 did, moving billing periods onto subscription items).
 */
export const STRIPE_API_VERSION = '2026-10-28.endive';

export type StripeClientOptions = {
  secretKey: string;
  /** Another API host, e.g. the local emulator (`http://127.0.0.1:12111`); Stripe itself when unset. */
  apiBase?: string | null;
  maxNetworkRetries?: number;
  timeoutMs?: number;
};

/** The real Stripe SDK, pointed at Stripe or at the local emulator. */
export function createStripeClient(options: StripeClientOptions): Stripe {
  const base = options.apiBase ? new URL(options.apiBase) : null;
  return new Stripe(options.secretKey, {
    apiVersion: STRIPE_API_VERSION,
    maxNetworkRetries: options.maxNetworkRetries ?? 2,
    timeout: options.timeoutMs ?? 20_000,
    appInfo: { name: 'groundwork' },
    ...(base
      ? {
          host: base.hostname,
          port: Number(base.port || (base.protocol === 'https:' ? 443 : 80)),
          protocol: base.protocol === 'https:' ? 'https' : 'http',
        }
      : {}),
  });
}

export type { Stripe };
