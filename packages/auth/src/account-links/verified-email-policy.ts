import { AppError } from '@groundwork/core';
import type { Repositories } from '@groundwork/db';

import { SESSION_ENDED, type Session } from '../sessions/session.js';

/** The reason a client reads from the error's details to offer resending the verification e-mail. */
export const EMAIL_NOT_VERIFIED = 'EMAIL_NOT_VERIFIED';

/**
 * Actions that reach other people or money (checkouts, invitations) need a
 * proven address (issue 13). One indexed SQL read: these are not hot-path
 * calls (ADR 010/018), and the column is the single source of truth.
 *
 * Not enforced when e-mail delivery is off (EMAIL_DELIVERY=disabled): no
 * verification link can reach anyone then, and a rule nobody can satisfy
 * would block every payment and invitation for good (ADR 029).
 */
export function createVerifiedEmailPolicy(deps: {
  repositories: Pick<Repositories, 'users'>;
  enforced: boolean;
}): (session: Session) => Promise<void> {
  const { users } = deps.repositories;
  if (!deps.enforced) return () => Promise.resolve();
  /**
   * @throws AppError FORBIDDEN with details `{ reason: 'EMAIL_NOT_VERIFIED' }` until the
   * user follows the verification link (auth.verifyEmail; auth.resendVerification for a new one).
   */
  return async function requireVerifiedEmail(session: Session): Promise<void> {
    const user = await users.findById(session.userId);
    if (!user) throw new AppError('UNAUTHENTICATED', SESSION_ENDED);
    if (user.emailVerifiedAt) return;
    throw new AppError('FORBIDDEN', 'Verify your e-mail address first; follow the link we sent you', {
      details: { reason: EMAIL_NOT_VERIFIED },
    });
  };
}
