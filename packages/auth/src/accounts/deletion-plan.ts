import type { MembershipForDeletion } from '@groundwork/db';

/** What happens to each organization of a user who deletes their account. */
export type DeletionPlan = {
  /** Solely owned and no one else in it: deleted, its subscription canceled first. */
  remove: MembershipForDeletion[];
  /** Another owner remains, or the user is not an owner: the user just leaves. */
  leave: MembershipForDeletion[];
  /** The user is the only owner of an organization that has other members. */
  blocked: MembershipForDeletion[];
};

/**
 * Decides, without I/O, the fate of each organization. An organization the
 * user is the only owner of but that has other members is neither deleted
 * under them nor left without an owner: the deletion is refused until the
 * user transfers ownership or removes the others (ADR 023).
 */
export function planDeletion(memberships: readonly MembershipForDeletion[]): DeletionPlan {
  const plan: DeletionPlan = { remove: [], leave: [], blocked: [] };
  for (const membership of memberships) {
    const soleOwner = membership.role === 'owner' && membership.owners <= 1;
    if (!soleOwner) plan.leave.push(membership);
    else if (membership.members <= 1) plan.remove.push(membership);
    else plan.blocked.push(membership);
  }
  return plan;
}
