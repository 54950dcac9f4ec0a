import { TRPCError } from '@trpc/server';

import { requireKeyAccess, scopeFor } from '../../features/api-keys/api-keys.public.js';
import type { Context } from '../context.js';
import { organizationScope } from '../organization-scope.js';
import { middleware } from '../t.js';

/**
 * Who acts on `organizationId`: a key needs its scope (read for queries, write for mutations) and
 * acts on its own organization only, with a member's rights; a session is checked as
 * `requireMembership('member')` does. Shared with `requirePlanAccess`, which adds the plan check
 * in the same step of tRPC's chain (ADR 036).
 */
export async function memberOrKeyAccess(
  ctx: Context,
  organizationId: string,
  type: 'query' | 'mutation' | 'subscription',
) {
  if (ctx.apiKey) {
    requireKeyAccess(ctx.apiKey, organizationId, scopeFor(type));
    return { principal: ctx.apiKey, membership: { organizationId, role: 'member' as const } };
  }
  if (!ctx.session) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in to continue' });
  const role = await ctx.services.organizations.requireMembership(organizationId, ctx.session.userId, 'member');
  return {
    principal: { kind: 'user' as const, userId: ctx.session.userId },
    membership: { organizationId, role },
  };
}

/**
 * For procedures a member may call with a session or the organization may call with an API key
 * (see `memberOrKeyAccess`). Adds `ctx.principal` (who acts) and `ctx.membership`.
 */
export const requireMemberOrKey = middleware(async function requireMemberOrKey({ ctx, input, type, next }) {
  const { organizationId } = organizationScope.parse(input);
  return next({ ctx: await memberOrKeyAccess(ctx, organizationId, type) });
});
