import { createRequire } from 'node:module';

import { pino, type Logger, type LoggerOptions } from 'pino';
import type PinoPretty from 'pino-pretty';

export type { Logger } from 'pino';

/**
 * Paths whose values never reach a log line: credentials in headers and the
 * usual secret-bearing fields of request bodies and job data.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["stripe-signature"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.currentPassword',
  '*.newPassword',
  '*.refreshToken',
  '*.accessToken',
  '*.token',
  '*.secret',
];

/**
 * Human-readable lines for a developer's terminal. Loaded only when asked for,
 * so a production process never loads pino-pretty.
 */
function prettyStream(destination: NodeJS.WritableStream | undefined): NodeJS.WritableStream {
  const pinoPretty = createRequire(import.meta.url)('pino-pretty') as typeof PinoPretty;
  return pinoPretty({
    destination: destination ?? 1,
    sync: true, // a line logged just before process.exit() still appears
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,service',
    messageFormat: '[{service}] {msg}', // api and worker share the terminal under `npm run dev`
  });
}

/**
 * One structured logger per process; request and job loggers are children of it.
 * Its lines are JSON, or human-readable ones when `pretty` (development only:
 * the configuration decides, see `LOG_FORMAT`).
 *
 * @param options.service names the process (`api`, `worker`) in every line
 * @param destination where lines go; tests pass a stream they can read
 */
export function createLogger(
  options: { service: string; level: string; pretty?: boolean },
  destination?: NodeJS.WritableStream,
): Logger {
  const settings: LoggerOptions = {
    level: options.level,
    base: { service: options.service },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  };
  if (options.pretty) return pino(settings, prettyStream(destination));
  // Without a destination pino writes to standard output through SonicBoom, asynchronously, and
  // flushes what is buffered when the process exits (logger.test.ts checks it).
  return destination ? pino(settings, destination) : pino(settings);
}
