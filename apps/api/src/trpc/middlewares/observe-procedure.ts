import { middleware } from '../t.js';
import { mapAppError } from './map-app-error.js';

/**
 * The first step of every procedure: maps domain errors to tRPC codes
 * (`mapAppError`), then times the call and counts rate-limit refusals,
 * labelled by path and outcome. One middleware, not two, because each step
 * of tRPC's chain copies its options (ADR 036).
 */
export const observeProcedure = middleware(async function observeProcedure({ ctx, path, next }) {
  const stop = ctx.services.metrics.procedureDuration.startTimer({ path });
  const result = mapAppError(await next());
  const code = result.ok ? 'OK' : result.error.code;
  stop({ code });
  if (code === 'TOO_MANY_REQUESTS') ctx.services.metrics.rateLimited.inc({ path });
  return result;
});
