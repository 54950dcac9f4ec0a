import { AppError } from '@groundwork/core';
import type { UnitOfWork } from '@groundwork/db';
import type { EmailOutbox } from '@groundwork/email';

import { auditTrail } from '../audit/audit-trail.js';
import type { RequestMeta, Session } from '../sessions/session.js';
import { hashSecretToken } from '../tokens/secret-tokens.js';
import { INVALID_LINK } from './email-verification.js';
import { issueAccountLink } from './issue-link.js';
import { type AccountLinkSettings, LINK_TOKEN_PATTERN } from './link-settings.js';

/** `ada@example.com` → `a…@example.com`: enough for the owner to recognise, little for anyone else. */
export function addressHint(email: string): string {
  const at = email.lastIndexOf('@');
  return `${email.slice(0, 1)}…${email.slice(at)}`;
}

/**
 * Moving an account to another e-mail address. The caller has a recent
 * authentication (step-up, ADR 026); the account moves only when the new
 * address proves itself through a one-time link, and the old address is told
 * at both steps, so a stolen session cannot quietly take the account's mail.
 */
export function createEmailChange(deps: { uow: UnitOfWork; outbox: EmailOutbox; settings: AccountLinkSettings }) {
  const { settings } = deps;

  return {
    /**
     * Sends a confirmation link to `newEmail` and a notice to the current
     * address. An address another account holds gets no link, but the answer
     * is the same, so this cannot probe for accounts.
     *
     * @throws AppError INVALID when `newEmail` is already the account's address
     */
    async request(session: Session, newEmail: string, meta: RequestMeta): Promise<void> {
      const emailIds = await deps.uow.transaction(async (repositories) => {
        const user = await repositories.users.findById(session.userId);
        if (!user) throw new AppError('UNAUTHENTICATED', 'Session expired or revoked; sign in again');
        if (user.email.toLowerCase() === newEmail.toLowerCase()) {
          throw new AppError('INVALID', 'This is already the address of your account', {
            details: { field: 'newEmail' },
          });
        }
        const notice = await deps.outbox.record(repositories.outboundEmails, {
          template: 'email-change-notice',
          to: user.email,
          data: { displayName: user.displayName, newAddressHint: addressHint(newEmail), stage: 'requested' },
        });
        if (await repositories.users.findByEmail(newEmail)) {
          await auditTrail(repositories.audit)('email.change_requested', meta, {
            userId: user.id,
            metadata: { linkSent: false },
          });
          return [notice];
        }
        const link = await issueAccountLink(repositories, deps.outbox, {
          user: { id: user.id, email: newEmail },
          purpose: 'email_change',
          ttlMs: settings.verificationTtlHours * 3_600_000,
          appUrl: settings.appUrl,
          page: 'confirmEmailChange',
          audit: { type: 'email.change_requested', meta },
          message: (confirmUrl) => ({
            template: 'email-change',
            to: newEmail,
            data: { displayName: user.displayName, confirmUrl, expiresInHours: settings.verificationTtlHours },
          }),
        });
        return [link, notice];
      });
      for (const emailId of emailIds) await deps.outbox.dispatch(emailId);
    },

    /**
     * Moves the account to the address the link was sent to, verified. Links
     * sent to the old address (verification, reset) stop working.
     *
     * @throws AppError INVALID when the link is unknown, used, superseded or expired
     * @throws AppError CONFLICT when another account took the address meanwhile (nothing changes)
     */
    async confirm(token: string, meta: RequestMeta): Promise<{ email: string }> {
      if (!LINK_TOKEN_PATTERN.test(token)) throw new AppError('INVALID', INVALID_LINK, { details: { field: 'token' } });
      const { email, noticeId } = await deps.uow.transaction(async (repositories) => {
        const link = await repositories.accountTokens.consume('email_change', hashSecretToken(token));
        const user = link && (await repositories.users.findById(link.userId));
        const changed = link && (await repositories.users.changeEmail(link.userId, link.email));
        if (!link || !user || !changed) throw new AppError('INVALID', INVALID_LINK, { details: { field: 'token' } });
        await repositories.accountTokens.voidAllForUser(link.userId, 'email_verification');
        await repositories.accountTokens.voidAllForUser(link.userId, 'password_reset');
        await auditTrail(repositories.audit)('email.changed', meta, { userId: link.userId });
        const notice = await deps.outbox.record(repositories.outboundEmails, {
          template: 'email-change-notice',
          to: changed.previousEmail,
          data: { displayName: user.displayName, newAddressHint: addressHint(link.email), stage: 'completed' },
        });
        return { email: link.email, noticeId: notice };
      });
      await deps.outbox.dispatch(noticeId);
      return { email };
    },
  };
}

export type EmailChange = ReturnType<typeof createEmailChange>;
