import { rateLimitedError } from '../../rate-limit/limiter-factory.js';
import type { RequestLimitName } from '../../rate-limit/request-limits.js';
import { middleware } from '../t.js';

/**
 * Counts this procedure call against a per-IP limit (each call of a batch
 * counts). The default limit was already counted for the whole HTTP request
 * when its context was made (one Redis round trip with the session check):
 * here each call takes one of the calls it allowed.
 */
export function rateLimit(name: RequestLimitName) {
  return middleware(async function rateLimitByIp({ ctx, next }) {
    const admission = name === 'default' ? ctx.admission : undefined;
    if (admission) {
      admission.used += 1;
      if (admission.used > admission.allowedCalls) throw rateLimitedError(admission.msBeforeNext);
      return next();
    }
    await ctx.services.requestLimits.consume(name, ctx.request.ip);
    return next();
  });
}
