import { TRPCError } from '@trpc/server';

import { middleware } from '../t.js';

/** Narrows `ctx.session` to a signed-in caller, or answers UNAUTHORIZED. */
export const requireSession = middleware(function requireSession({ ctx, next }) {
  if (!ctx.session) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in to continue' });
  return next({ ctx: { session: ctx.session } });
});
