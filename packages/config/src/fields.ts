import { isIP } from 'node:net';

import { z } from 'zod';

export const positiveInt = z.coerce.number({ error: 'expected a whole number' }).int().positive();

export const port = z.coerce.number({ error: 'expected a port number' }).int().min(0).max(65_535);

/** Milliseconds, as a whole number; a typo like "10s" is refused rather than read as NaN. */
export const durationMs = z.coerce.number({ error: 'expected milliseconds' }).int().min(1).max(86_400_000);

export const logLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

function splitList(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

/**
 * Exact browser origins (scheme://host[:port]); a wildcard would turn CORS
 * with credentials into an open door, so it is refused.
 */
export const corsOrigins = z.preprocess(
  (value) => (typeof value === 'string' ? splitList(value) : value),
  z.array(
    z.string().refine((origin) => {
      if (!URL.canParse(origin)) return false;
      return new URL(origin).origin === origin;
    }, 'expected comma-separated exact origins like https://app.example.com (no path, no trailing slash, no "*")'),
  ),
);

const proxyAddress = z.string().refine((entry) => {
  const [address, prefix] = entry.split('/');
  if (!address || isIP(address) === 0) return false;
  return prefix === undefined || /^\d{1,3}$/.test(prefix);
}, 'expected an IP address or CIDR');

/**
 * Express `trust proxy`: an exact hop count or a list of proxy addresses.
 * `true` ("trust everything") is refused: it lets any client choose its own IP
 * through X-Forwarded-For and so walk around every per-IP limit.
 */
export const trustProxy = z.preprocess(
  (value) => {
    if (typeof value !== 'string') return value;
    if (/^\d+$/.test(value.trim())) return Number(value);
    // Left as a string so the union reports its own message rather than "not an IP".
    if (/^(true|false)$/i.test(value.trim())) return value;
    return splitList(value);
  },
  z.union([z.number().int().min(0).max(10), z.array(proxyAddress).min(1)], {
    error: 'expected a hop count (0-10) or comma-separated proxy IPs/CIDRs; "true" is not allowed',
  }),
);

const UNIT_SECONDS = { second: 1, minute: 60, hour: 3600, day: 86_400 } as const;

/** "100/minute" → { points: 100, durationSeconds: 60 }. */
export const rateLimit = z
  .string()
  .regex(/^\d+\/(second|minute|hour|day)$/, 'expected "<count>/<second|minute|hour|day>", e.g. "100/minute"')
  .transform((value) => {
    const [count, unit] = value.split('/') as [string, keyof typeof UNIT_SECONDS];
    return { points: Number(count), durationSeconds: UNIT_SECONDS[unit] };
  })
  .refine((limit) => limit.points > 0, 'the count must be at least 1');

export const booleanFlag = z
  .enum(['true', 'false'], { error: 'expected true or false' })
  .transform((value) => value === 'true');

/** PEM text; "\n" escapes (as env files and CI secrets often carry them) become newlines. */
export const pem = z.string().transform((value) => value.replaceAll('\\n', '\n'));

/** A mail sender: `address@domain` or `Display Name <address@domain>`. */
export const mailbox = z
  .string()
  .max(320)
  .regex(
    /^(?:[^<>\r\n]+ <[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/,
    'expected an address like no-reply@example.com or "Name <no-reply@example.com>"',
  );
