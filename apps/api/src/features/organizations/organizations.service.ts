import { AppError } from '@groundwork/core';
import type { OrganizationRepository, Role } from '@groundwork/db';

const RANK: Record<Role, number> = { member: 1, admin: 2, owner: 3 };

export function createOrganizationsService(deps: { organizations: OrganizationRepository }) {
  return {
    /**
     * The caller's role, read from the database on every call (never from a token).
     *
     * @throws AppError NOT_FOUND when the organization does not exist or the caller is not a member:
     *   the two are indistinguishable on purpose.
     */
    async requireMembership(organizationId: string, userId: string, minimumRole: Role = 'member'): Promise<Role> {
      const role = await deps.organizations.findRole(organizationId, userId);
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
  };
}

export type OrganizationsService = ReturnType<typeof createOrganizationsService>;
