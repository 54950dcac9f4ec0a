import { AppError } from '@groundwork/core';
import type { Repositories } from '@groundwork/db';

import { auditTrail } from '../audit/audit-trail.js';
import type { Clock } from '../ports.js';
import type { RequestMeta, Session } from '../sessions/session.js';
import type { SecondFactor } from '../two-factor/second-factor.js';
import { type PasswordCheck, wrongCode, wrongPassword } from './password-check.js';
import type { RecentAuthentications } from './recent-authentications.js';

export type ReauthenticateInput = { password: string; code?: string };

/**
 * Step-up without a new sign-in: the password, and the second factor when the
 * user has one, mark this session as recently authenticated for the window.
 */
export function createReauthenticate(deps: {
  repositories: Pick<Repositories, 'twoFactor' | 'passkeys' | 'audit'>;
  passwordMatches: PasswordCheck;
  secondFactor: SecondFactor;
  recentAuthentications: RecentAuthentications;
  windowSeconds: number;
  clock: Clock;
}) {
  const record = auditTrail(deps.repositories.audit);

  return async function reauthenticate(
    session: Session,
    input: ReauthenticateInput,
    meta: RequestMeta,
  ): Promise<{ validUntil: Date }> {
    if (!(await deps.passwordMatches(session.userId, input.password, meta))) {
      await record('reauthentication.failed', meta, { userId: session.userId, metadata: { factor: 'password' } });
      throw wrongPassword();
    }
    const totpEnabled = await deps.repositories.twoFactor.isEnabled(session.userId);
    // Login asks a passkey owner for a second factor; re-authenticating must not ask for less.
    if (!totpEnabled && (await deps.repositories.passkeys.hasAny(session.userId))) {
      throw new AppError(
        'FORBIDDEN',
        'A passkey is registered: re-authenticate with it (auth.passkeys.reauthenticate)',
        {
          details: { reason: 'SECOND_FACTOR_REQUIRED', method: 'passkey' },
        },
      );
    }
    if (totpEnabled) {
      if (!input.code) {
        throw new AppError('FORBIDDEN', 'Two-factor authentication is enabled: send a code too', {
          details: { reason: 'SECOND_FACTOR_REQUIRED', field: 'code' },
        });
      }
      if (!(await deps.secondFactor.verify(session.userId, input.code, { meta }))) {
        await record('reauthentication.failed', meta, { userId: session.userId, metadata: { factor: 'code' } });
        throw wrongCode();
      }
    }
    await deps.recentAuthentications.record(session.sessionId);
    await record('reauthenticated', meta, { userId: session.userId });
    return { validUntil: new Date(deps.clock.now() + deps.windowSeconds * 1000) };
  };
}
