import { randomBytes } from 'node:crypto';

/** Stripe-looking ids: a type prefix and 24 base62-ish characters. */
export function stripeId(prefix: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = randomBytes(24);
  let body = '';
  for (const byte of bytes) body += alphabet[byte % alphabet.length];
  return `${prefix}_${body}`;
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);
