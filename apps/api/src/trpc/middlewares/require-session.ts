import { TRPCError } from '@trpc/server';

import { middleware } from '../t.js';

/**
 * Narrows `ctx.session` to a signed-in caller, or answers UNAUTHORIZED. An API key is not a
 * session: procedures behind this (auth, key management, admin actions) answer it FORBIDDEN.
 */
export const requireSession = middleware(function requireSession({ ctx, next }) {
  if (ctx.apiKey) throw new TRPCError({ code: 'FORBIDDEN', message: 'API keys cannot call this procedure' });
  if (!ctx.session) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in to continue' });
  return next({ ctx: { session: ctx.session } });
});
