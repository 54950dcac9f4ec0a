import { AppError } from '@groundwork/core';
import type { OrganizationRepository, Role } from '@groundwork/db';

import type { MembershipCache } from './membership-cache.js';

const RANK: Record<Role, number> = { member: 1, admin: 2, owner: 3 };

export function createOrganizationsService(deps: {
  organizations: OrganizationRepository;
  memberships: MembershipCache;
}) {
  return {
    /**
     * The caller's role, read from the database or the membership cache (never from a token).
     *
     * @throws AppError NOT_FOUND when the organization does not exist or the caller is not a member:
     *   the two are indistinguishable on purpose.
     */
    async requireMembership(organizationId: string, userId: string, minimumRole: Role = 'member'): Promise<Role> {
      const role = await deps.memberships.role(organizationId, userId);
      if (!role) throw new AppError('NOT_FOUND', 'Organization not found');
      if (RANK[role] < RANK[minimumRole]) {
        throw new AppError('FORBIDDEN', `This needs the ${minimumRole} role or higher`, {
          details: { requiredRole: minimumRole, role },
        });
      }
      return role;
    },

    async get(organizationId: string, userId: string) {
      const organization = await deps.organizations.findForMember(organizationId, userId);
      if (!organization) throw new AppError('NOT_FOUND', 'Organization not found');
      return organization;
    },

    rename: (organizationId: string, name: string) => deps.organizations.rename(organizationId, name),

    members: (organizationId: string) => deps.organizations.listMembers(organizationId),

    /** Removes a member; every instance refuses them from its next call on. */
    async removeMember(organizationId: string, userId: string): Promise<void> {
      const removed = await deps.organizations.removeMember(organizationId, userId);
      if (removed === 0) throw new AppError('NOT_FOUND', 'Member not found');
      await deps.memberships.announce(organizationId, userId);
    },

    /** Changes a member's role; every instance applies it from its next call on. */
    async changeRole(organizationId: string, userId: string, role: Role): Promise<void> {
      const changed = await deps.organizations.changeRole(organizationId, userId, role);
      if (changed === 0) throw new AppError('NOT_FOUND', 'Member not found');
      await deps.memberships.announce(organizationId, userId);
    },
  };
}

export type OrganizationsService = ReturnType<typeof createOrganizationsService>;
