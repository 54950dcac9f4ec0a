import type { Repositories } from '@groundwork/db';

import type { Clock, SecondFactorThrottle } from '../ports.js';
import type { RequestMeta } from '../sessions/session.js';
import { hashRecoveryCode, isTotpCode } from './recovery-codes.js';
import type { SecretBox } from './secret-box.js';
import { totp } from './totp.js';

export type SecondFactorMethod = 'totp' | 'recovery_code';

/**
 * Checks a second-factor code: a TOTP code within ±1 step, accepted once
 * (its time step must be later than the last one used), or an unused
 * recovery code, spent by the check. Every attempt is counted per user and
 * per IP before anything is compared.
 */
export function createSecondFactor(deps: {
  repositories: Pick<Repositories, 'twoFactor'>;
  secretBox: SecretBox;
  throttle: SecondFactorThrottle;
  clock: Clock;
}) {
  const { twoFactor } = deps.repositories;

  async function matchesTotp(userId: string, sealedSecret: Buffer, code: string): Promise<boolean> {
    const secret = deps.secretBox.open(sealedSecret, userId);
    const step = await totp.matchingStep({ secret, code, nowMs: deps.clock.now() });
    // The database decides replay: only one request can move the user's last step past this one.
    return step !== null && (await twoFactor.claimStep(userId, step));
  }

  return {
    /**
     * The method that matched, or null for a wrong, replayed or unusable code.
     * With `pendingEnrolment`, only a TOTP code of the not yet confirmed secret counts.
     *
     * @throws AppError RATE_LIMITED when the user or IP has no guesses left
     */
    async verify(
      userId: string,
      code: string,
      options: { meta: RequestMeta; pendingEnrolment?: boolean },
    ): Promise<SecondFactorMethod | null> {
      await deps.throttle.beforeAttempt(userId, options.meta.ip);
      const credential = await twoFactor.findByUserId(userId);
      if (!credential || credential.confirmed === Boolean(options.pendingEnrolment)) return null;
      let method: SecondFactorMethod | null = null;
      if (isTotpCode(code)) {
        method = (await matchesTotp(userId, credential.secretCiphertext, code)) ? 'totp' : null;
      } else if (!options.pendingEnrolment) {
        method = (await twoFactor.consumeRecoveryCode(userId, hashRecoveryCode(code))) ? 'recovery_code' : null;
      }
      if (method) await deps.throttle.recordSuccess(userId);
      return method;
    },
  };
}

export type SecondFactor = ReturnType<typeof createSecondFactor>;
