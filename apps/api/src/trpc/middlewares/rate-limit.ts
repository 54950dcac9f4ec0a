import type { RequestLimitName } from '../../rate-limit/request-limits.js';
import { middleware } from '../t.js';

/** Counts this procedure call against a per-IP limit (each call of a batch counts). */
export function rateLimit(name: RequestLimitName) {
  return middleware(async function rateLimitByIp({ ctx, next }) {
    await ctx.services.requestLimits.consume(name, ctx.request.ip);
    return next();
  });
}
