import { AppError } from '@groundwork/core';
import type { Repositories } from '@groundwork/db';

import { auditTrail } from '../audit/audit-trail.js';
import type { SecondFactorThrottle } from '../ports.js';
import type { SessionIssuer } from '../sessions/session-issuer.js';
import type { IssuedTokens, RequestMeta } from '../sessions/session.js';
import type { RecentAuthentications } from '../step-up/recent-authentications.js';
import type { MfaChallenges } from '../two-factor/mfa-challenges.js';
import type { PasskeyAssertions } from './passkey-assertions.js';
import type { PasskeyChallenges } from './passkey-challenges.js';
import type { PasskeyAssertionOptions, PasskeyAssertionResponse, RelyingParty } from './relying-party.js';

export type CompleteMfaWithPasskeyInput = { challenge: string; response: PasskeyAssertionResponse };

const CHALLENGE_UNUSABLE = 'MFA challenge expired or already used; sign in again';

/**
 * A passkey as the second factor after a password (ADR 028): the login's MFA
 * challenge carries assertion options for the user's passkeys, whose WebAuthn
 * challenge is bound to that MFA challenge and spent by the first answer. The
 * assertion must come from a passkey of the user whose password was checked.
 * Attempts count against the same per-user and per-IP limits as TOTP codes.
 */
export function createPasskeySecondFactor(deps: {
  repositories: Pick<Repositories, 'passkeys' | 'audit'>;
  relyingParty: RelyingParty;
  challenges: PasskeyChallenges;
  mfaChallenges: MfaChallenges;
  passkeySigned: PasskeyAssertions;
  throttle: SecondFactorThrottle;
  sessions: SessionIssuer;
  recentAuthentications: RecentAuthentications;
}) {
  const { passkeys } = deps.repositories;
  const record = auditTrail(deps.repositories.audit);

  return {
    /** Assertion options for the MFA step of a password login; null when the user has no passkey. */
    async optionsFor(userId: string, mfaChallenge: string): Promise<PasskeyAssertionOptions | null> {
      const owned = await passkeys.listCredentialsOf(userId);
      if (owned.length === 0) return null;
      const options = await deps.relyingParty.assertionOptions(owned.map((passkey) => passkey.credentialId));
      await deps.challenges.save('mfa', mfaChallenge, { challenge: options.challenge, binding: null });
      return options;
    },

    /** @throws AppError UNAUTHENTICATED for any refusal; RATE_LIMITED past the second-factor limits */
    async complete(input: CompleteMfaWithPasskeyInput, meta: RequestMeta): Promise<IssuedTokens> {
      const userId = await deps.mfaChallenges.userOf(input.challenge);
      if (!userId) throw new AppError('UNAUTHENTICATED', CHALLENGE_UNUSABLE);
      await deps.throttle.beforeAttempt(userId, meta.ip);
      const stored = await deps.challenges.spend('mfa', input.challenge);
      const passkey = await passkeys.findByCredentialId(input.response.id);
      const accepted =
        stored !== null &&
        passkey?.userId === userId &&
        (await deps.passkeySigned(passkey, input.response, stored.challenge));
      if (!accepted) {
        await record('login.mfa_failed', meta, { userId, metadata: { method: 'passkey' } });
        // The WebAuthn challenge is spent: another passkey try needs a new login (a TOTP code still works).
        throw new AppError('UNAUTHENTICATED', 'The passkey was not accepted; sign in again', {
          details: { field: 'response' },
        });
      }
      await deps.throttle.recordSuccess(userId);
      // Two completions racing (a code and a passkey): only the one that deletes the challenge signs in.
      if (!(await deps.mfaChallenges.spend(input.challenge))) throw new AppError('UNAUTHENTICATED', CHALLENGE_UNUSABLE);
      const tokens = await deps.sessions.start(userId, meta);
      await deps.recentAuthentications.record(tokens.sessionId);
      await record('login.succeeded', meta, { userId, metadata: { secondFactor: 'passkey' } });
      return tokens;
    },
  };
}

export type PasskeySecondFactor = ReturnType<typeof createPasskeySecondFactor>;
