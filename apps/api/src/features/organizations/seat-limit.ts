import type { Entitlements } from '@groundwork/billing';
import { AppError } from '@groundwork/core';
import type { Repositories } from '@groundwork/db';

export type ReadEntitlements = (organizationId: string) => Promise<Entitlements>;

/**
 * The plan's `members` limit. Members and open, unexpired invitations hold
 * seats, so an invitation that will be accepted is counted when it is sent.
 * Read fresh from the database (not the gate's cache): inviting is rare and a
 * downgrade must block the next invitation at once. Call it with the
 * organization locked, so two invitations cannot both take the last seat.
 *
 * @param joining `invitation` counts pending invitations too (a new invitation
 *   takes a seat); `member` counts members only (accepting turns its pending
 *   seat into a member, but after a downgrade the members alone may be over)
 * @throws AppError PAYMENT_REQUIRED with `{ limit: 'members', max, current, plan }`
 */
export async function assertSeatAvailable(
  readEntitlements: ReadEntitlements,
  repositories: Pick<Repositories, 'organizations' | 'invitations'>,
  seat: { organizationId: string; joining: 'invitation' | 'member' },
): Promise<void> {
  const entitlements = await readEntitlements(seat.organizationId);
  const members = await repositories.organizations.countMembers(seat.organizationId);
  const pending = seat.joining === 'invitation' ? await repositories.invitations.countPending(seat.organizationId) : 0;
  const current = members + pending;
  const max = entitlements.limits.members;
  if (current + 1 > max) {
    throw new AppError(
      'PAYMENT_REQUIRED',
      `The ${entitlements.plan} plan allows ${max} members, invitations included`,
      {
        details: { limit: 'members', max, current, plan: entitlements.plan },
      },
    );
  }
}
