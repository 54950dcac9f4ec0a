import { AppError } from '@groundwork/core';
import type { Repositories } from '@groundwork/db';

import { auditTrail } from '../audit/audit-trail.js';
import type { RecentAuthentications } from '../step-up/recent-authentications.js';
import type { SessionIssuer } from '../sessions/session-issuer.js';
import type { IssuedTokens, RequestMeta } from '../sessions/session.js';
import type { MfaChallenges } from './mfa-challenges.js';
import type { SecondFactor } from './second-factor.js';

export type CompleteMfaInput = { challenge: string; code: string };

const CHALLENGE_UNUSABLE = 'MFA challenge expired or already used; sign in again';

/**
 * The second half of a sign-in for an enrolled user: the login's challenge
 * and a TOTP or recovery code open a session, exactly as a password-only login
 * would. A wrong code leaves the challenge usable (typos happen) but counts
 * against the user's and the IP's guesses; the challenge is spent on success.
 */
export function createCompleteMfa(deps: {
  repositories: Pick<Repositories, 'audit'>;
  challenges: MfaChallenges;
  secondFactor: SecondFactor;
  sessions: SessionIssuer;
  recentAuthentications: RecentAuthentications;
}) {
  const record = auditTrail(deps.repositories.audit);

  return async function completeMfa(input: CompleteMfaInput, meta: RequestMeta): Promise<IssuedTokens> {
    const userId = await deps.challenges.userOf(input.challenge);
    if (!userId) throw new AppError('UNAUTHENTICATED', CHALLENGE_UNUSABLE);
    const method = await deps.secondFactor.verify(userId, input.code, { meta });
    if (!method) {
      await record('login.mfa_failed', meta, { userId });
      throw new AppError('UNAUTHENTICATED', 'Authentication code is incorrect or already used', {
        details: { field: 'code' },
      });
    }
    // Two completions racing with two valid codes: only the one that deletes the challenge signs in.
    if (!(await deps.challenges.spend(input.challenge))) throw new AppError('UNAUTHENTICATED', CHALLENGE_UNUSABLE);
    const tokens = await deps.sessions.start(userId, meta);
    await deps.recentAuthentications.record(tokens.sessionId);
    if (method === 'recovery_code') await record('two_factor.recovery_code_used', meta, { userId });
    await record('login.succeeded', meta, { userId, metadata: { secondFactor: method } });
    return tokens;
  };
}
