import { AppError } from '@groundwork/core';

/**
 * The one answer for "not a member of this organization", whether the caller
 * was never a member, was just removed, holds a key of another organization,
 * or the organization does not exist: FORBIDDEN (what a removed member's next
 * call must say), and the same words for all, so no one learns which
 * organizations exist.
 */
export function notAMember(): AppError {
  return new AppError('FORBIDDEN', 'You are not a member of this organization, or it does not exist', {
    details: { reason: 'NOT_A_MEMBER' },
  });
}
