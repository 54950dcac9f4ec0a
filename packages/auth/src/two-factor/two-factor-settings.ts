import { AppError } from '@groundwork/core';
import type { UnitOfWork } from '@groundwork/db';

import { auditTrail } from '../audit/audit-trail.js';
import { type PasswordCheck, wrongCode, wrongPassword } from '../step-up/password-check.js';
import { endOtherSessions } from '../sessions/end-other-sessions.js';
import type { SessionEnder } from '../sessions/session-ender.js';
import type { RequestMeta, Session } from '../sessions/session.js';
import { generateRecoveryCodes, hashRecoveryCode } from './recovery-codes.js';
import type { SecondFactor } from './second-factor.js';
import type { SecretBox } from './secret-box.js';
import { totp } from './totp.js';

export type ConfirmTwoFactorInput = { code: string; endOtherSessions?: boolean };
export type DisableTwoFactorInput = { password: string; code: string; endOtherSessions?: boolean };

/**
 * Enrolment (a secret sealed at rest, shown once as an otpauth URI and QR
 * code), confirmation by a first code (which hands out ten recovery codes)
 * and removal (password and a code). Confirming and removing may end the
 * user's other sessions, and are audited.
 */
export function createTwoFactorSettings(deps: {
  uow: UnitOfWork;
  secretBox: SecretBox;
  secondFactor: SecondFactor;
  passwordMatches: PasswordCheck;
  sessions: Pick<SessionEnder, 'endOne'>;
  issuer: string;
}) {
  const { twoFactor, users, refreshTokens } = deps.uow.repositories;
  const record = auditTrail(deps.uow.repositories.audit);

  const endOthers = (session: Session) => endOtherSessions({ refreshTokens, sessions: deps.sessions }, session);

  return {
    /** Starts (or restarts) an enrolment; refused once two-factor is confirmed, so the secret is never shown again. */
    async enroll(session: Session, meta: RequestMeta): Promise<{ otpauthUri: string; qrCode: string }> {
      const user = await users.findById(session.userId);
      if (!user) throw new AppError('NOT_FOUND', 'User not found');
      const secret = totp.newSecret();
      await twoFactor.saveUnconfirmed(session.userId, deps.secretBox.seal(secret, session.userId));
      await record('two_factor.enrollment_started', meta, { userId: session.userId });
      return totp.enrolment({ secret, issuer: deps.issuer, label: user.email });
    },

    async confirm(
      session: Session,
      input: ConfirmTwoFactorInput,
      meta: RequestMeta,
    ): Promise<{ recoveryCodes: string[]; endedSessions: number }> {
      const credential = await twoFactor.findByUserId(session.userId);
      if (!credential) throw new AppError('CONFLICT', 'Start an enrolment (auth.twoFactor.enroll) first');
      if (credential.confirmed) throw new AppError('CONFLICT', 'Two-factor authentication is already enabled');
      const method = await deps.secondFactor.verify(session.userId, input.code, { meta, pendingEnrolment: true });
      if (!method) {
        await record('two_factor.failed', meta, { userId: session.userId, metadata: { during: 'confirm' } });
        throw wrongCode();
      }
      const recoveryCodes = generateRecoveryCodes();
      await deps.uow.transaction(async (repositories) => {
        if (!(await repositories.twoFactor.markConfirmed(session.userId))) {
          throw new AppError('CONFLICT', 'Two-factor authentication is already enabled');
        }
        await repositories.twoFactor.replaceRecoveryCodes(session.userId, recoveryCodes.map(hashRecoveryCode));
      });
      const endedSessions = input.endOtherSessions ? await endOthers(session) : 0;
      await record('two_factor.enabled', meta, { userId: session.userId, metadata: { endedSessions } });
      return { recoveryCodes, endedSessions };
    },

    async disable(
      session: Session,
      input: DisableTwoFactorInput,
      meta: RequestMeta,
    ): Promise<{ endedSessions: number }> {
      if (!(await twoFactor.isEnabled(session.userId))) {
        throw new AppError('CONFLICT', 'Two-factor authentication is not enabled');
      }
      if (!(await deps.passwordMatches(session.userId, input.password, meta))) {
        await record('two_factor.failed', meta, { userId: session.userId, metadata: { during: 'disable' } });
        throw wrongPassword();
      }
      const method = await deps.secondFactor.verify(session.userId, input.code, { meta });
      if (!method) {
        await record('two_factor.failed', meta, { userId: session.userId, metadata: { during: 'disable' } });
        throw wrongCode();
      }
      await deps.uow.transaction((repositories) => repositories.twoFactor.remove(session.userId));
      const endedSessions = input.endOtherSessions ? await endOthers(session) : 0;
      await record('two_factor.disabled', meta, { userId: session.userId, metadata: { method, endedSessions } });
      return { endedSessions };
    },
  };
}

export type TwoFactorSettings = ReturnType<typeof createTwoFactorSettings>;
