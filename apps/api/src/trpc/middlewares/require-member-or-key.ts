import { TRPCError } from '@trpc/server';

import { requireKeyAccess, scopeFor } from '../../features/api-keys/api-keys.public.js';
import { organizationScope } from '../organization-scope.js';
import { middleware } from '../t.js';

/**
 * For procedures a member may call with a session or the organization may call with an API key.
 * A key needs its scope (read for queries, write for mutations) and acts on its own organization
 * only, with a member's rights; a session is checked as `requireMembership('member')` does.
 * Adds `ctx.principal` (who acts) and `ctx.membership`.
 */
export const requireMemberOrKey = middleware(async function requireMemberOrKey({ ctx, input, type, next }) {
  const { organizationId } = organizationScope.parse(input);
  if (ctx.apiKey) {
    requireKeyAccess(ctx.apiKey, organizationId, scopeFor(type));
    return next({ ctx: { principal: ctx.apiKey, membership: { organizationId, role: 'member' as const } } });
  }
  if (!ctx.session) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in to continue' });
  const role = await ctx.services.organizations.requireMembership(organizationId, ctx.session.userId, 'member');
  return next({
    ctx: {
      principal: { kind: 'user' as const, userId: ctx.session.userId },
      membership: { organizationId, role },
    },
  });
});
