import { AppError, type AppErrorCode } from '@groundwork/core';
import { TRPCError } from '@trpc/server';

type TrpcCode = TRPCError['code'];

const TRPC_CODE_BY_APP_CODE = {
  INVALID: 'BAD_REQUEST',
  UNAUTHENTICATED: 'UNAUTHORIZED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  PAYMENT_REQUIRED: 'PAYMENT_REQUIRED',
  PRECONDITION_FAILED: 'PRECONDITION_FAILED',
  RATE_LIMITED: 'TOO_MANY_REQUESTS',
  UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  INTERNAL: 'INTERNAL_SERVER_ERROR',
} as const satisfies Record<AppErrorCode, TrpcCode>;

/**
 * The one place domain errors become tRPC errors, applied to the result of
 * `await next()` by the first middleware of every procedure (`observeProcedure`,
 * which also times the call: one step of tRPC's chain instead of two, ADR 036).
 * In v11 `next()` does not throw: a failure comes back as `{ ok: false, error }`
 * with our error as its cause.
 */
export function mapAppError<TResult extends { ok: true } | { ok: false; error: TRPCError }>(result: TResult): TResult {
  if (result.ok || !(result.error.cause instanceof AppError)) return result;
  return { ...result, error: trpcErrorOf(result.error.cause) };
}

/** The tRPC error a domain error becomes: its mapped code when operational, else INTERNAL_SERVER_ERROR. */
export function trpcErrorOf(cause: AppError): TRPCError {
  const code: TrpcCode = cause.isOperational ? TRPC_CODE_BY_APP_CODE[cause.code] : 'INTERNAL_SERVER_ERROR';
  return new TRPCError({ code, message: cause.message, cause });
}
