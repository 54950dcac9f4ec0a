import { AppError } from '@groundwork/core';
import type { OrganizationRepository, Role } from '@groundwork/db';

import { hasRole } from './member-rules.js';
import type { MembershipCache } from './membership-cache.js';
import { notAMember } from './not-a-member.js';

export function createOrganizationsService(deps: {
  organizations: OrganizationRepository;
  memberships: Pick<MembershipCache, 'role'>;
}) {
  return {
    /**
     * The caller's role, read from the database or the membership cache (never from a token).
     *
     * @throws AppError FORBIDDEN `NOT_A_MEMBER` when the organization does not exist or the caller is not a member:
     *   the two are indistinguishable on purpose.
     */
    async requireMembership(organizationId: string, userId: string, minimumRole: Role = 'member'): Promise<Role> {
      const role = await deps.memberships.role(organizationId, userId);
      if (!role) throw notAMember();
      if (!hasRole(role, minimumRole)) {
        throw new AppError('FORBIDDEN', `This needs the ${minimumRole} role or higher`, {
          details: { requiredRole: minimumRole, role },
        });
      }
      return role;
    },

    async get(organizationId: string, userId: string) {
      const organization = await deps.organizations.findForMember(organizationId, userId);
      if (!organization) throw notAMember();
      return organization;
    },

    rename: (organizationId: string, name: string) => deps.organizations.rename(organizationId, name),

    members: (organizationId: string) => deps.organizations.listMembers(organizationId),
  };
}

export type OrganizationsService = ReturnType<typeof createOrganizationsService>;
