import { AppError } from '@groundwork/core';
import type { Repositories, UnitOfWork } from '@groundwork/db';
import type { EmailOutbox } from '@groundwork/email';

import { auditTrail } from '../audit/audit-trail.js';
import type { PasswordHasher } from '../passwords/password-hasher.js';
import { assertAcceptablePassword } from '../passwords/password-policy.js';
import type { SessionEnder } from '../sessions/session-ender.js';
import type { RequestMeta } from '../sessions/session.js';
import { hashSecretToken } from '../tokens/secret-tokens.js';
import { INVALID_LINK } from './email-verification.js';
import { issueAccountLink } from './issue-link.js';
import { type AccountLinkSettings, LINK_TOKEN_PATTERN } from './link-settings.js';

export type CompletePasswordResetInput = { token: string; newPassword: string };

/**
 * The half of password reset that runs off the request path (the worker):
 * sends a reset link if the address has an account, and does nothing
 * otherwise, so the API can answer every request the same way in the same time.
 */
export function createPasswordResetLinks(deps: {
  uow: UnitOfWork;
  outbox: EmailOutbox;
  settings: AccountLinkSettings;
}) {
  const { settings } = deps;

  /** In the caller's transaction: the link and its message if the address has an account; the message id or null. */
  async function issueFor(repositories: Repositories, email: string, meta: RequestMeta): Promise<string | null> {
    const user = await repositories.users.findByEmail(email);
    if (!user) return null;
    return issueAccountLink(repositories, deps.outbox, {
      user,
      purpose: 'password_reset',
      ttlMs: settings.resetTtlMinutes * 60_000,
      appUrl: settings.appUrl,
      page: 'resetPassword',
      audit: { type: 'password.reset_requested', meta },
      message: (resetUrl) => ({
        template: 'password-reset',
        to: user.email,
        data: { displayName: user.displayName, resetUrl, expiresInMinutes: settings.resetTtlMinutes },
      }),
    });
  }

  return {
    /** Sends a reset link if the address has an account; does nothing otherwise. */
    async sendLink(email: string, meta: RequestMeta): Promise<{ sent: boolean }> {
      const emailId = await deps.uow.transaction((repositories) => issueFor(repositories, email, meta));
      if (emailId === null) return { sent: false };
      await deps.outbox.dispatch(emailId);
      return { sent: true };
    },

    /**
     * Serves a stored request (see `createPasswordResetRequests`): takes it and
     * issues the link in one transaction, so a failure leaves the request stored
     * for the sweeper, and a served one is gone with its address. A request
     * already served (a duplicate job, a sweep after the job) changes nothing.
     */
    async serve(resetRequestId: string): Promise<{ served: boolean }> {
      const emailId = await deps.uow.transaction(async (repositories) => {
        const request = await repositories.passwordResetRequests.take(resetRequestId);
        if (!request) return undefined;
        const meta = { ip: request.ip, userAgent: request.userAgent, requestId: request.requestId };
        return issueFor(repositories, request.email, meta);
      });
      if (emailId === undefined) return { served: false };
      if (emailId !== null) await deps.outbox.dispatch(emailId);
      // Whether a link went out stays in the audit trail and the outbox, not in what the job reports.
      return { served: true };
    },
  };
}

export type PasswordResetLinks = ReturnType<typeof createPasswordResetLinks>;

/**
 * Password reset by e-mailed link: `sendLink` (see {@link createPasswordResetLinks})
 * and `complete`. Completing a reset voids every token and ends every session.
 */
export function createPasswordReset(deps: {
  uow: UnitOfWork;
  outbox: EmailOutbox;
  hasher: Pick<PasswordHasher, 'hash'>;
  sessions: Pick<SessionEnder, 'endAllOfUser'>;
  settings: AccountLinkSettings;
}) {
  return {
    ...createPasswordResetLinks(deps),

    /**
     * Sets the new password with a valid link, once, then ends every session.
     *
     * @throws AppError INVALID when the password fails the policy (the link stays usable) or the link is not valid
     */
    async complete(input: CompletePasswordResetInput, meta: RequestMeta): Promise<void> {
      if (!LINK_TOKEN_PATTERN.test(input.token)) {
        throw new AppError('INVALID', INVALID_LINK, { details: { field: 'token' } });
      }
      assertAcceptablePassword(input.newPassword, 'newPassword');
      // Hashed before the transaction opens: no connection waits on bcrypt.
      const passwordHash = await deps.hasher.hash(input.newPassword, meta.signal);
      const userId = await deps.uow.transaction(async (repositories) => {
        const link = await repositories.accountTokens.consume('password_reset', hashSecretToken(input.token));
        if (!link) throw new AppError('INVALID', INVALID_LINK, { details: { field: 'token' } });
        await repositories.users.changePassword(link.userId, passwordHash);
        await repositories.accountTokens.voidAllForUser(link.userId, 'password_reset');
        await auditTrail(repositories.audit)('password.reset', meta, { userId: link.userId });
        return link.userId;
      });
      await deps.sessions.endAllOfUser(userId);
    },
  };
}

export type PasswordReset = ReturnType<typeof createPasswordReset>;
