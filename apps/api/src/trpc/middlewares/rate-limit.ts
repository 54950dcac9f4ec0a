import { rateLimitedError } from '../../rate-limit/limiter-factory.js';
import type { RequestLimitName } from '../../rate-limit/request-limits.js';
import type { Context } from '../context.js';
import { middleware } from '../t.js';

/** What counting a call needs from the context: the request's admission and where it came from. */
type CallCounting = Pick<Context, 'admission' | 'services' | 'request'>;

/**
 * Counts one procedure call against the per-IP limit `name` (each call of a batch counts), or
 * throws RATE_LIMITED. The default limit was already counted for the whole HTTP request when its
 * context was made (one Redis round trip with the session check): a call then takes one of the
 * calls it allowed, with no I/O and no promise. Server-side callers and other limits ask Redis
 * per call: then the promise to wait for is returned.
 */
export function countCall(ctx: CallCounting, name: RequestLimitName): Promise<void> | undefined {
  const admission = name === 'default' ? ctx.admission : undefined;
  if (!admission) return ctx.services.requestLimits.consume(name, ctx.request.ip);
  admission.used += 1;
  if (admission.used > admission.allowedCalls) throw rateLimitedError(admission.msBeforeNext);
  return undefined;
}

/**
 * A step of its own for the stricter limits some procedures add (signup, refresh, account
 * e-mail). The default limit is counted inside `observeProcedure`, the first step of every
 * procedure, to keep the hot path's chain short (ADR 043).
 */
export function rateLimit(name: Exclude<RequestLimitName, 'default'>) {
  return middleware(async function rateLimitByIp({ ctx, next }) {
    await countCall(ctx, name);
    return next();
  });
}
