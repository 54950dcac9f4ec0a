import { AppError, type Logger } from '@groundwork/core';
import type { UnitOfWork } from '@groundwork/db';

import { auditTrail } from '../audit/audit-trail.js';
import type { PasswordHasher } from '../passwords/password-hasher.js';
import type { LoginThrottle, OrganizationDeletionJobs } from '../ports.js';
import type { SessionEnder } from '../sessions/session-ender.js';
import type { RequestMeta, Session } from '../sessions/session.js';
import { planDeletion } from './deletion-plan.js';

export type DeleteAccountInput = { password: string };
export type AccountDeletionOutcome = { deletedOrganizations: number; leftOrganizations: number };

/**
 * Deletes the signed-in user's account once the password is entered again
 * (guarded like a login). In one transaction: the user leaves every
 * organization, those they were alone in are recorded for deletion, their
 * sessions, links and e-mails are deleted and their row becomes an anonymised
 * tombstone, audited. Then every access token is refused on every instance,
 * and the worker cancels the recorded organizations' subscriptions and
 * deletes them (ADR 023).
 */
export function createAccountDeletion(deps: {
  uow: UnitOfWork;
  hasher: PasswordHasher;
  loginThrottle: LoginThrottle;
  sessions: Pick<SessionEnder, 'endErased'>;
  organizationDeletionJobs: OrganizationDeletionJobs;
  logger: Logger;
}) {
  const { users, audit } = deps.uow.repositories;
  const { hasher } = deps;

  async function requirePassword(session: Session, password: string, meta: RequestMeta): Promise<void> {
    hasher.assertCapacity();
    const attempt = await deps.loginThrottle.beforeAttempt(`user:${session.userId}`, meta.ip);
    const credentials = await users.findCredentialsById(session.userId);
    if (!credentials || !(await hasher.verify(password, credentials.passwordHash, meta.signal))) {
      const lockout = await deps.loginThrottle.recordFailure(attempt);
      await auditTrail(audit)('account.delete_failed', meta, {
        userId: session.userId,
        ...(lockout ? { metadata: lockout } : {}),
      });
      throw new AppError('FORBIDDEN', 'Password is incorrect', { details: { field: 'password' } });
    }
    await deps.loginThrottle.recordSuccess(attempt);
  }

  /** Erases the account in one transaction; null when a concurrent call already did. */
  function erase(session: Session, meta: RequestMeta) {
    return deps.uow.transaction(async (repositories) => {
      const erasure = repositories.accountErasure;
      const user = await erasure.lockLiveUser(session.userId);
      if (!user) return null;
      const plan = planDeletion(await erasure.listMemberships(user.id));
      const [blocked] = plan.blocked;
      if (blocked) {
        throw new AppError(
          'CONFLICT',
          `You are the only owner of "${blocked.name}", which has other members: transfer ownership or remove them before deleting your account`,
          { details: { organizationId: blocked.organizationId, reason: 'sole_owner_with_members' } },
        );
      }
      await erasure.removeMemberships(user.id);
      const deletionIds: string[] = [];
      for (const organization of plan.remove) {
        deletionIds.push(
          await repositories.organizationDeletions.request({
            organizationId: organization.organizationId,
            stripeCustomerId: organization.stripeCustomerId,
            requestedByUserId: user.id,
          }),
        );
      }
      const sessionIds = await erasure.deleteSessions(user.id);
      const pendingNewAddresses = await erasure.deleteAccountTokens(user.id);
      await erasure.deletePasskeys(user.id);
      await erasure.deleteEmailsTo(user.email);
      for (const address of pendingNewAddresses) await erasure.deleteEmailChangeLinksTo(address);
      await erasure.deletePasswordResetRequestsFor(user.email);
      await erasure.anonymiseUser(user.id);
      const outcome = { deletedOrganizations: plan.remove.length, leftOrganizations: plan.leave.length };
      await auditTrail(repositories.audit)('account.deleted', meta, { userId: user.id, metadata: outcome });
      return { sessionIds, deletionIds, outcome };
    });
  }

  /**
   * @throws AppError FORBIDDEN when the password is wrong (nothing changes), RATE_LIMITED
   *   after too many wrong passwords, CONFLICT when the user is the only owner of an
   *   organization that has other members
   */
  return async function deleteAccount(
    session: Session,
    input: DeleteAccountInput,
    meta: RequestMeta,
  ): Promise<AccountDeletionOutcome> {
    await requirePassword(session, input.password, meta);
    const erased = await erase(session, meta);
    await deps.sessions.endErased(session, erased?.sessionIds ?? []);
    if (!erased) return { deletedOrganizations: 0, leftOrganizations: 0 };
    for (const deletionId of erased.deletionIds) {
      try {
        await deps.organizationDeletionJobs.enqueue(deletionId);
      } catch (err) {
        // Recorded in the committed transaction: the worker's sweeper queues it again.
        deps.logger.warn({ err, deletionId }, 'organization deletion not queued; the sweeper will pick it up');
      }
    }
    return erased.outcome;
  };
}
