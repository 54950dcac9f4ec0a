import type { Role } from '@groundwork/db';
import { TRPCError } from '@trpc/server';

import { organizationScope } from '../organization-scope.js';
import { middleware } from '../t.js';

/**
 * For procedures whose input names an organization: checks membership and
 * role in the database on every call and adds `ctx.membership`.
 */
export function requireMembership(minimumRole: Role = 'member') {
  return middleware(async function requireOrganizationRole({ ctx, input, next }) {
    if (!ctx.session) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in to continue' });
    const { organizationId } = organizationScope.parse(input);
    const role = await ctx.services.organizations.requireMembership(organizationId, ctx.session.userId, minimumRole);
    return next({ ctx: { membership: { organizationId, role } } });
  });
}
