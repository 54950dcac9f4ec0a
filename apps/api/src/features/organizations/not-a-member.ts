import { AppError } from '@groundwork/core';

/**
 * The one answer for "not a member of this organization", whether the caller
 * was never a member, was just removed, holds a key of another organization,
 * or the organization does not exist: FORBIDDEN (what a removed member's next
 * call must say), and the same words for all, so no one learns which
 * organizations exist. The words say what to do next, which is the same in
 * every case: check the id, or get invited.
 */
const NOT_A_MEMBER_MESSAGE =
  'You are not a member of this organization, or it does not exist: check the organization id, or ask an owner or admin of the organization to invite you';

export function notAMember(): AppError {
  return new AppError('FORBIDDEN', NOT_A_MEMBER_MESSAGE, { details: { reason: 'NOT_A_MEMBER' } });
}
