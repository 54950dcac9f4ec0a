import { AppError } from '@groundwork/core';
import type { PublicUser, UnitOfWork } from '@groundwork/db';
import type { EmailOutbox } from '@groundwork/email';

import { auditTrail } from '../audit/audit-trail.js';
import type { RequestMeta, Session } from '../sessions/session.js';
import { hashSecretToken } from '../tokens/secret-tokens.js';
import { issueAccountLink, type LinkRepositories } from './issue-link.js';
import { type AccountLinkSettings, LINK_TOKEN_PATTERN } from './link-settings.js';

export const INVALID_LINK = 'This link is invalid, was already used or has expired';

/**
 * Proving an e-mail address: a one-time link sent on signup and on request.
 * Only the newest link works; using it verifies the address it was sent to,
 * and only while that is still the account's address.
 */
export function createEmailVerification(deps: { uow: UnitOfWork; outbox: EmailOutbox; settings: AccountLinkSettings }) {
  const { settings } = deps;

  /** Records the link and its message in the caller's transaction; returns the message to dispatch after commit. */
  function issue(
    repositories: LinkRepositories,
    user: Pick<PublicUser, 'id' | 'email' | 'displayName'>,
    meta: RequestMeta,
  ): Promise<string> {
    return issueAccountLink(repositories, deps.outbox, {
      user,
      purpose: 'email_verification',
      ttlMs: settings.verificationTtlHours * 3_600_000,
      appUrl: settings.appUrl,
      page: 'verifyEmail',
      audit: { type: 'email.verification_sent', meta },
      message: (verifyUrl) => ({
        template: 'email-verification',
        to: user.email,
        data: { displayName: user.displayName, verifyUrl, expiresInHours: settings.verificationTtlHours },
      }),
    });
  }

  return {
    issue,

    /** @throws AppError INVALID when the link is unknown, used, superseded or expired */
    async verify(token: string, meta: RequestMeta): Promise<{ email: string }> {
      if (!LINK_TOKEN_PATTERN.test(token)) throw new AppError('INVALID', INVALID_LINK, { details: { field: 'token' } });
      return deps.uow.transaction(async (repositories) => {
        const link = await repositories.accountTokens.consume('email_verification', hashSecretToken(token));
        if (!link || !(await repositories.users.markEmailVerified(link.userId, link.email))) {
          throw new AppError('INVALID', INVALID_LINK, { details: { field: 'token' } });
        }
        await auditTrail(repositories.audit)('email.verified', meta, { userId: link.userId });
        return { email: link.email };
      });
    },

    /**
     * Sends a fresh link to the signed-in user's address (the caller rate-limits it).
     *
     * @throws AppError CONFLICT when the address is already verified
     */
    async resend(session: Session, meta: RequestMeta): Promise<void> {
      const emailId = await deps.uow.transaction(async (repositories) => {
        const user = await repositories.users.findById(session.userId);
        if (!user) throw new AppError('UNAUTHENTICATED', 'Session expired or revoked; sign in again');
        if (user.emailVerifiedAt) throw new AppError('CONFLICT', 'This e-mail address is already verified');
        return issue(repositories, user, meta);
      });
      await deps.outbox.dispatch(emailId);
    },
  };
}

export type EmailVerification = ReturnType<typeof createEmailVerification>;
