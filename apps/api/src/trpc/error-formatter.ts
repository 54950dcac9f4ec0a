import { AppError } from '@groundwork/core';
import type { TRPCDefaultErrorShape, TRPCError } from '@trpc/server';
import { z } from 'zod';

import type { Context } from './context.js';

const GENERIC_INTERNAL_MESSAGE = 'Internal server error';

type FormatterInput = {
  shape: TRPCDefaultErrorShape;
  error: TRPCError;
  ctx: Context | undefined;
};

/**
 * Adds zod field errors to input failures, and keeps internal text (SQL,
 * constraint names, stacks) away from clients everywhere but development.
 * Deliberate errors (any code but INTERNAL_SERVER_ERROR) keep their message.
 */
export function formatError({ shape, error, ctx }: FormatterInput) {
  const exposeDetails = ctx?.exposeErrorDetails ?? false;
  const isInternal = error.code === 'INTERNAL_SERVER_ERROR';
  const zodError =
    error.code === 'BAD_REQUEST' && error.cause instanceof z.ZodError ? z.flattenError(error.cause) : null;
  const appDetails =
    error.cause instanceof AppError && error.cause.isOperational ? (error.cause.details ?? null) : null;
  return {
    message: isInternal && !exposeDetails ? GENERIC_INTERNAL_MESSAGE : shape.message,
    code: shape.code,
    data: {
      code: shape.data.code,
      httpStatus: shape.data.httpStatus,
      path: shape.data.path,
      requestId: ctx?.request.requestId ?? null,
      zodError,
      details: appDetails,
      ...(exposeDetails && error.stack ? { stack: error.stack } : {}),
    },
  };
}
