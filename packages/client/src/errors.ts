import { TRPCClientError } from '@trpc/client';

type ErrorData = { code?: string; httpStatus?: number; details?: Record<string, unknown> | null };

function dataOf(error: unknown): ErrorData | null {
  if (!(error instanceof TRPCClientError)) return null;
  const data: unknown = error.data;
  return data ?? null;
}

/** The call needs a plan the organization does not have; `details` says which feature or plan and why. */
export function isPaymentRequired(error: unknown): error is TRPCClientError<never> {
  return dataOf(error)?.code === 'PAYMENT_REQUIRED';
}

/** The session is missing, expired or revoked (after the client already tried one refresh). */
export function isUnauthorized(error: unknown): error is TRPCClientError<never> {
  return dataOf(error)?.code === 'UNAUTHORIZED';
}

/** Over a rate limit: `retryAfterMs` says when to try again. */
export function isRateLimited(error: unknown): { retryAfterMs: number } | null {
  const data = dataOf(error);
  if (data?.code !== 'TOO_MANY_REQUESTS') return null;
  const seconds = Number(data.details?.retryAfterSeconds ?? 1);
  return { retryAfterMs: Math.max(1, seconds) * 1000 };
}

/** Machine-readable details of a failed call (e.g. PAYMENT_REQUIRED's requiredFeature, plan, status). */
export function errorDetails(error: unknown): Record<string, unknown> | null {
  return dataOf(error)?.details ?? null;
}
