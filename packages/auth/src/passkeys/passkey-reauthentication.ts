import { AppError } from '@groundwork/core';
import type { Repositories } from '@groundwork/db';

import { auditTrail } from '../audit/audit-trail.js';
import type { Clock, SecondFactorThrottle } from '../ports.js';
import type { RequestMeta, Session } from '../sessions/session.js';
import type { RecentAuthentications } from '../step-up/recent-authentications.js';
import type { PasskeyAssertions } from './passkey-assertions.js';
import type { PasskeyChallenges } from './passkey-challenges.js';
import type { PasskeyAssertionOptions, PasskeyAssertionResponse, RelyingParty } from './relying-party.js';

/**
 * Step-up with a passkey (ADR 028): a verified passkey of the session's user
 * opens the window for sensitive actions, as the password and a code do. The
 * challenge is bound to the session and spent by the first answer.
 */
export function createPasskeyReauthentication(deps: {
  repositories: Pick<Repositories, 'passkeys' | 'audit'>;
  relyingParty: RelyingParty;
  challenges: PasskeyChallenges;
  passkeySigned: PasskeyAssertions;
  throttle: SecondFactorThrottle;
  recentAuthentications: RecentAuthentications;
  windowSeconds: number;
  clock: Clock;
}) {
  const { passkeys } = deps.repositories;
  const record = auditTrail(deps.repositories.audit);

  return {
    /** @throws AppError CONFLICT when the user has no passkey */
    async options(session: Session): Promise<PasskeyAssertionOptions> {
      const owned = await passkeys.listCredentialsOf(session.userId);
      if (owned.length === 0) throw new AppError('CONFLICT', 'No passkey is registered: use auth.reauthenticate');
      const options = await deps.relyingParty.assertionOptions(owned.map((passkey) => passkey.credentialId));
      await deps.challenges.save('reauthenticate', session.sessionId, { challenge: options.challenge, binding: null });
      return options;
    },

    /** @throws AppError FORBIDDEN when the passkey is refused; RATE_LIMITED past the second-factor limits */
    async reauthenticate(
      session: Session,
      input: { response: PasskeyAssertionResponse },
      meta: RequestMeta,
    ): Promise<{ validUntil: Date }> {
      await deps.throttle.beforeAttempt(session.userId, meta.ip);
      const stored = await deps.challenges.spend('reauthenticate', session.sessionId);
      const passkey = await passkeys.findByCredentialId(input.response.id);
      const accepted =
        stored !== null &&
        passkey?.userId === session.userId &&
        (await deps.passkeySigned(passkey, input.response, stored.challenge));
      if (!accepted) {
        await record('reauthentication.failed', meta, { userId: session.userId, metadata: { factor: 'passkey' } });
        throw new AppError('FORBIDDEN', 'The passkey was not accepted; ask for new options', {
          details: { field: 'response' },
        });
      }
      await deps.throttle.recordSuccess(session.userId);
      await deps.recentAuthentications.record(session.sessionId);
      await record('reauthenticated', meta, { userId: session.userId, metadata: { factor: 'passkey' } });
      return { validUntil: new Date(deps.clock.now() + deps.windowSeconds * 1000) };
    },
  };
}

export type PasskeyReauthentication = ReturnType<typeof createPasskeyReauthentication>;
