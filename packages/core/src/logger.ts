import { pino, type Logger, type LoggerOptions } from 'pino';

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
 * One structured JSON logger per process; request and job loggers are children of it.
 *
 * @param options.service names the process (`api`, `worker`) in every line
 * @param destination where lines go; tests pass a stream they can read
 */
export function createLogger(options: { service: string; level: string }, destination?: NodeJS.WritableStream): Logger {
  const settings: LoggerOptions = {
    level: options.level,
    base: { service: options.service },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  };
  return destination ? pino(settings, destination) : pino(settings);
}
