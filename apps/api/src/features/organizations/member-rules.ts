import { AppError } from '@groundwork/core';
import type { Role } from '@groundwork/db';

const RANK: Record<Role, number> = { member: 1, admin: 2, owner: 3 };

/** Whether `role` is at least `minimum` (owner > admin > member). */
export const hasRole = (role: Role, minimum: Role): boolean => RANK[role] >= RANK[minimum];

/**
 * Who may hand out a role (by invitation or role change): nobody above their
 * own role, so an admin can make admins and members but never an owner.
 *
 * @throws AppError FORBIDDEN naming the role asked for and the actor's
 */
export function assertMayGrant(actorRole: Role, role: Role): void {
  if (!hasRole(actorRole, role)) {
    throw new AppError('FORBIDDEN', `Granting the ${role} role needs the ${role} role or higher`, {
      details: { requiredRole: role, role: actorRole },
    });
  }
}

/**
 * Who may change or remove a member: an admin manages admins and members,
 * only an owner touches an owner.
 *
 * @throws AppError FORBIDDEN
 */
export function assertMayManage(actorRole: Role, targetRole: Role): void {
  if (!hasRole(actorRole, targetRole)) {
    throw new AppError('FORBIDDEN', 'Only an owner can change or remove an owner', {
      details: { requiredRole: targetRole, role: actorRole },
    });
  }
}

/**
 * An organization always keeps an owner: the last one cannot be demoted,
 * removed or leave (transfer ownership first).
 *
 * @throws AppError CONFLICT when the change would leave no owner
 */
export function assertOwnerRemains(change: { targetRole: Role; newRole: Role | null; owners: number }): void {
  if (change.targetRole === 'owner' && change.newRole !== 'owner' && change.owners <= 1) {
    throw new AppError('CONFLICT', 'An organization needs an owner: make someone else owner first', {
      details: { reason: 'last_owner' },
    });
  }
}
