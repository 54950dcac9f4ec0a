import { AppError } from '@groundwork/core';
import type { Repositories } from '@groundwork/db';

import { auditTrail } from '../audit/audit-trail.js';
import type { PasswordHasher } from '../passwords/password-hasher.js';
import { assertAcceptablePassword } from '../passwords/password-policy.js';
import type { LoginThrottle } from '../ports.js';
import type { SessionEnder } from '../sessions/session-ender.js';
import type { SessionIssuer } from '../sessions/session-issuer.js';
import type { IssuedTokens, RequestMeta, Session } from '../sessions/session.js';
import type { RecentAuthentications } from '../step-up/recent-authentications.js';

export type ChangePasswordInput = { currentPassword: string; newPassword: string };

/**
 * Requires the current password, guarded like a login (keyed by user and IP),
 * so a stolen access token cannot be used to guess it. Ends every session,
 * then opens a fresh one for this device.
 */
export function createChangePassword(deps: {
  repositories: Pick<Repositories, 'users' | 'audit'>;
  hasher: PasswordHasher;
  loginThrottle: LoginThrottle;
  sessions: SessionIssuer & SessionEnder;
  recentAuthentications: RecentAuthentications;
}) {
  const { users } = deps.repositories;
  const { hasher } = deps;
  const record = auditTrail(deps.repositories.audit);

  return async function changePassword(
    session: Session,
    input: ChangePasswordInput,
    meta: RequestMeta,
  ): Promise<IssuedTokens> {
    hasher.assertCapacity();
    const attempt = await deps.loginThrottle.beforeAttempt(`user:${session.userId}`, meta.ip);
    const credentials = await users.findCredentialsById(session.userId);
    if (!credentials || !(await hasher.verify(input.currentPassword, credentials.passwordHash, meta.signal))) {
      const lockout = await deps.loginThrottle.recordFailure(attempt);
      await record('password.change_failed', meta, {
        userId: session.userId,
        ...(lockout ? { metadata: lockout } : {}),
      });
      throw new AppError('FORBIDDEN', 'Current password is incorrect', { details: { field: 'currentPassword' } });
    }
    await deps.loginThrottle.recordSuccess(attempt);
    assertAcceptablePassword(input.newPassword, 'newPassword');
    await users.changePassword(session.userId, await hasher.hash(input.newPassword));
    const revokedSessions = await deps.sessions.endAllAfterVoiding(session);
    await record('password.changed', meta, { userId: session.userId, metadata: { revokedSessions } });
    // The new session was opened by proving the password just now.
    const tokens = await deps.sessions.start(session.userId, meta);
    await deps.recentAuthentications.record(tokens.sessionId);
    return tokens;
  };
}
