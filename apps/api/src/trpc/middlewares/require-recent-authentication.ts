import { TRPCError } from '@trpc/server';

import { middleware } from '../t.js';

/**
 * Step-up (ADR 026): the session must have proved its user (password, with the
 * second factor when enrolled) within AUTH_STEP_UP_WINDOW_SECONDS, else FORBIDDEN
 * with `data.details.reason === 'STEP_UP_REQUIRED'`. One Redis GET, on sensitive
 * procedures only, so ordinary calls keep their budget (ADR 010).
 */
export const requireRecentAuthentication = middleware(async function requireRecentAuthentication({ ctx, next }) {
  if (!ctx.session) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in to continue' });
  await ctx.services.auth.requireRecentAuthentication(ctx.session);
  return next({ ctx: { session: ctx.session } });
});
