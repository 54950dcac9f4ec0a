/** The closed set of failure kinds domain code can report; the API maps each to one tRPC code. */
export type AppErrorCode =
  | 'INVALID'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'PAYMENT_REQUIRED'
  /** The server is not set up for this (e-mail delivery off): not the caller's fault, and retrying will not help. */
  | 'PRECONDITION_FAILED'
  | 'RATE_LIMITED'
  | 'UNAVAILABLE'
  | 'INTERNAL';

/** Extra, client-safe facts about the failure (a retry delay, a required plan). */
export type AppErrorDetails = Readonly<Record<string, string | number | boolean | null>>;

/**
 * The one error type domain code throws. `isOperational` separates expected
 * failures (bad input, missing row: the message is safe to show) from bugs,
 * whose text is never shown to a client outside development.
 */
export class AppError extends Error {
  readonly code: AppErrorCode;
  readonly isOperational: boolean;
  readonly details: AppErrorDetails | undefined;

  constructor(
    code: AppErrorCode,
    message: string,
    options: { cause?: unknown; isOperational?: boolean; details?: AppErrorDetails } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.isOperational = options.isOperational ?? code !== 'INTERNAL';
    this.details = options.details;
  }
}
