import { AppError } from '@groundwork/core';

import { middleware } from '../t.js';
import { mapAppError, trpcErrorOf } from './map-app-error.js';
import { countCall } from './rate-limit.js';

/**
 * The first step of every procedure: counts the call against the default limit (`countCall`),
 * maps domain errors to tRPC codes (`mapAppError`), times the call and counts rate-limit
 * refusals, labelled by path and outcome. One middleware, not three, because each step of
 * tRPC's chain copies its options (ADR 036, ADR 043).
 */
export const observeProcedure = middleware(async function observeProcedure({ ctx, path, next }) {
  const stop = ctx.services.metrics.procedureDuration.startTimer({ path });
  const observe = (code: string) => {
    stop({ code });
    if (code === 'TOO_MANY_REQUESTS') ctx.services.metrics.rateLimited.inc({ path });
  };
  try {
    const counting = countCall(ctx, 'default');
    if (counting) await counting;
  } catch (cause) {
    // Thrown before `next()`: mapped here, as `mapAppError` maps what comes back from it.
    if (!(cause instanceof AppError)) {
      observe('INTERNAL_SERVER_ERROR');
      throw cause;
    }
    const error = trpcErrorOf(cause);
    observe(error.code);
    throw error;
  }
  const result = mapAppError(await next());
  observe(result.ok ? 'OK' : result.error.code);
  return result;
});
