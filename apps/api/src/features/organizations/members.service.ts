import type { RequestMeta } from '@groundwork/auth';
import { AppError } from '@groundwork/core';
import type { Repositories, Role, UnitOfWork } from '@groundwork/db';

import type { Actor } from './invitations.service.js';
import type { MembershipCache } from './membership-cache.js';
import { assertMayGrant, assertMayManage, assertOwnerRemains } from './member-rules.js';
import { auditMembershipChange as audit } from './organization-audit.js';
import { notAMember } from './not-a-member.js';

/**
 * Changing who is in an organization and with which role. Each change runs
 * with the organization's row locked and re-reads the actor's role inside
 * the lock (the procedure's check came from a cache), so concurrent changes
 * apply one after another and none can leave the organization without an
 * owner. After commit, every API instance is told to drop the cached roles.
 */
export function createMembersService(deps: { uow: UnitOfWork; memberships: Pick<MembershipCache, 'announce'> }) {
  /** Runs `change` on the locked organization with the actor's current role; announces the changed members after commit. */
  async function changeMembership(
    organizationId: string,
    actorId: string,
    change: (repositories: Repositories, actorRole: Role) => Promise<string[]>,
  ): Promise<void> {
    const changedUserIds = await deps.uow.transaction(async (repositories) => {
      if (!(await repositories.organizations.lockForMembershipChange(organizationId))) {
        throw notAMember();
      }
      const actorRole = await repositories.organizations.findRole(organizationId, actorId);
      if (!actorRole) throw notAMember();
      return change(repositories, actorRole);
    });
    await Promise.all(changedUserIds.map((userId) => deps.memberships.announce(organizationId, userId)));
  }

  async function requireMemberRole(repositories: Repositories, organizationId: string, userId: string): Promise<Role> {
    const role = await repositories.organizations.findRole(organizationId, userId);
    if (!role) throw new AppError('NOT_FOUND', 'Member not found');
    return role;
  }

  const owners = (repositories: Repositories, organizationId: string) =>
    repositories.organizations.countMembers(organizationId, 'owner');

  return {
    /**
     * @throws AppError NOT_FOUND for a non-member, FORBIDDEN for an admin removing an owner,
     *   CONFLICT for the last owner
     */
    async removeMember(actor: Actor, input: { organizationId: string; userId: string }, meta: RequestMeta) {
      const { organizationId, userId } = input;
      await changeMembership(organizationId, actor.userId, async (repositories, actorRole) => {
        const targetRole = await requireMemberRole(repositories, organizationId, userId);
        assertMayManage(actorRole, targetRole);
        assertOwnerRemains({ targetRole, newRole: null, owners: await owners(repositories, organizationId) });
        await repositories.organizations.removeMember(organizationId, userId);
        await audit(repositories, 'organization.member_removed', {
          actorUserId: actor.userId,
          organizationId,
          meta,
          metadata: { userId, role: targetRole },
        });
        return [userId];
      });
    },

    /**
     * @throws AppError NOT_FOUND for a non-member; FORBIDDEN when an admin touches an owner or
     *   grants above itself; CONFLICT when the last owner would be demoted
     */
    async changeRole(actor: Actor, input: { organizationId: string; userId: string; role: Role }, meta: RequestMeta) {
      const { organizationId, userId, role } = input;
      await changeMembership(organizationId, actor.userId, async (repositories, actorRole) => {
        const targetRole = await requireMemberRole(repositories, organizationId, userId);
        assertMayManage(actorRole, targetRole);
        assertMayGrant(actorRole, role);
        assertOwnerRemains({ targetRole, newRole: role, owners: await owners(repositories, organizationId) });
        if (targetRole === role) return [];
        await repositories.organizations.changeRole(organizationId, userId, role);
        await audit(repositories, 'organization.role_changed', {
          actorUserId: actor.userId,
          organizationId,
          meta,
          metadata: { userId, from: targetRole, to: role },
        });
        return [userId];
      });
    },

    /** @throws AppError CONFLICT for the last owner (transfer ownership first) */
    async leave(actor: Pick<Actor, 'userId'>, organizationId: string, meta: RequestMeta) {
      await changeMembership(organizationId, actor.userId, async (repositories, actorRole) => {
        assertOwnerRemains({
          targetRole: actorRole,
          newRole: null,
          owners: await owners(repositories, organizationId),
        });
        await repositories.organizations.removeMember(organizationId, actor.userId);
        await audit(repositories, 'organization.member_left', {
          actorUserId: actor.userId,
          organizationId,
          meta,
          metadata: { role: actorRole },
        });
        return [actor.userId];
      });
    },

    /**
     * Makes another member owner and the caller admin.
     *
     * @throws AppError INVALID for oneself, FORBIDDEN for a non-owner, NOT_FOUND for a non-member
     */
    async transferOwnership(
      actor: Pick<Actor, 'userId'>,
      input: { organizationId: string; userId: string },
      meta: RequestMeta,
    ) {
      const { organizationId, userId } = input;
      if (userId === actor.userId) {
        throw new AppError('INVALID', 'You already own this organization', { details: { field: 'userId' } });
      }
      await changeMembership(organizationId, actor.userId, async (repositories, actorRole) => {
        if (actorRole !== 'owner') {
          throw new AppError('FORBIDDEN', 'Only an owner can transfer ownership', {
            details: { requiredRole: 'owner', role: actorRole },
          });
        }
        const targetRole = await requireMemberRole(repositories, organizationId, userId);
        await repositories.organizations.changeRole(organizationId, userId, 'owner');
        await repositories.organizations.changeRole(organizationId, actor.userId, 'admin');
        await audit(repositories, 'organization.ownership_transferred', {
          actorUserId: actor.userId,
          organizationId,
          meta,
          metadata: { userId, previousRole: targetRole },
        });
        return [userId, actor.userId];
      });
    },
  };
}

export type MembersService = ReturnType<typeof createMembersService>;
