import type { AccountTokenPurpose, AuditEventType, PublicUser, Repositories } from '@groundwork/db';
import type { EmailMessage, EmailOutbox } from '@groundwork/email';

import { auditTrail } from '../audit/audit-trail.js';
import type { RequestMeta } from '../sessions/session.js';
import { generateSecretToken, hashSecretToken } from '../tokens/secret-tokens.js';
import { type AccountLinkPage, buildAccountLink, LINK_TOKEN_PREFIX } from './link-settings.js';

export type LinkRepositories = Pick<Repositories, 'accountTokens' | 'outboundEmails' | 'audit'>;

/**
 * Issues a one-time link in the caller's transaction: a fresh secret (the
 * user's earlier links of the purpose stop working), its audit record and
 * the message carrying it. Returns the message id to dispatch after commit.
 */
export async function issueAccountLink(
  repositories: LinkRepositories,
  outbox: Pick<EmailOutbox, 'record'>,
  link: {
    user: Pick<PublicUser, 'id' | 'email'>;
    purpose: AccountTokenPurpose;
    ttlMs: number;
    /** The front end (APP_URL) and the page of this flow under it. */
    appUrl: string;
    page: AccountLinkPage;
    audit: { type: AuditEventType; meta: RequestMeta };
    /** The message, given the finished link. */
    message: (url: string) => EmailMessage;
  },
): Promise<string> {
  const token = generateSecretToken(LINK_TOKEN_PREFIX);
  await repositories.accountTokens.replace({
    userId: link.user.id,
    purpose: link.purpose,
    tokenHash: hashSecretToken(token),
    email: link.user.email,
    expiresAt: new Date(Date.now() + link.ttlMs),
  });
  await auditTrail(repositories.audit)(link.audit.type, link.audit.meta, { userId: link.user.id });
  return outbox.record(repositories.outboundEmails, link.message(buildAccountLink(link.appUrl, link.page, token)));
}
