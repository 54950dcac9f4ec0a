import { TRPCError } from '@trpc/server';

import { middleware } from '../t.js';

/**
 * Verified-address policy (issue 13): the signed-in user must have followed the
 * verification link, else FORBIDDEN with `data.details.reason === 'EMAIL_NOT_VERIFIED'`.
 * One SQL read, on the few procedures procedures.ts names (none is on the hot path).
 * Lets everyone through while e-mail delivery is off: no address can be verified then (ADR 029).
 */
export const requireVerifiedEmail = middleware(async function requireVerifiedEmail({ ctx, next }) {
  if (!ctx.session) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in to continue' });
  await ctx.services.auth.requireVerifiedEmail(ctx.session);
  return next({ ctx: { session: ctx.session } });
});
