import { AppError } from '@groundwork/core';
import type { Repositories } from '@groundwork/db';

import { auditTrail } from '../audit/audit-trail.js';
import type { LoginThrottle } from '../ports.js';
import type { SessionIssuer } from '../sessions/session-issuer.js';
import type { IssuedTokens, RequestMeta } from '../sessions/session.js';
import type { RecentAuthentications } from '../step-up/recent-authentications.js';
import { generateSecretToken } from '../tokens/secret-tokens.js';
import type { DecoyCredentials } from './decoy-credentials.js';
import type { PasskeyAssertions } from './passkey-assertions.js';
import type { PasskeyChallenges } from './passkey-challenges.js';
import type { PasskeyAssertionOptions, PasskeyAssertionResponse, RelyingParty } from './relying-party.js';

export type PasskeyLoginOptions = { challengeId: string; options: PasskeyAssertionOptions };
export type PasskeyLoginInput = { challengeId: string; response: PasskeyAssertionResponse };

/** Recognisable, like our other bearer secrets; valid only for auth.passkeys.login. */
const CHALLENGE_ID_PREFIX = 'gwp_';
/** One message for every refusal: it never tells which check failed or whether an account exists. */
const NOT_ACCEPTED = 'Passkey sign-in was not accepted; start again';

/** null: any passkey of this RP (discoverable); a list: only these credential ids. */
type LoginBinding = { allowCredentials: string[] | null };

/**
 * Passkey as the first factor (ADR 028). A passkey with user verification is
 * something the user has and unlocks, so it signs in without a TOTP step.
 * Attempts are throttled like password logins (the login throttle, keyed by
 * the passkey's account and the IP), counted before the signature is checked.
 */
export function createPasskeySignIn(deps: {
  repositories: Pick<Repositories, 'users' | 'passkeys' | 'audit'>;
  relyingParty: RelyingParty;
  challenges: PasskeyChallenges;
  passkeySigned: PasskeyAssertions;
  decoyCredentials: DecoyCredentials;
  loginThrottle: LoginThrottle;
  sessions: SessionIssuer;
  recentAuthentications: RecentAuthentications;
}) {
  const { users, passkeys } = deps.repositories;
  const record = auditTrail(deps.repositories.audit);

  /** The account's credential ids, or the address's decoy: the same shape whether or not it has an account. */
  async function credentialsFor(email: string): Promise<string[]> {
    const user = await users.findByEmail(email);
    const owned = user ? await passkeys.listCredentialsOf(user.id) : [];
    return owned.length > 0 ? owned.map((passkey) => passkey.credentialId) : deps.decoyCredentials(email);
  }

  return {
    /** With an e-mail, the account's passkeys are listed; without, the authenticator offers its own (discoverable). */
    async options(input: { email?: string | undefined }): Promise<PasskeyLoginOptions> {
      const allowCredentials = input.email === undefined ? null : await credentialsFor(input.email);
      const options = await deps.relyingParty.assertionOptions(allowCredentials ?? []);
      const challengeId = generateSecretToken(CHALLENGE_ID_PREFIX);
      await deps.challenges.save<LoginBinding>('login', challengeId, {
        challenge: options.challenge,
        binding: { allowCredentials },
      });
      return { challengeId, options };
    },

    /** @throws AppError UNAUTHENTICATED for any refusal; RATE_LIMITED past the login limits */
    async login(input: PasskeyLoginInput, meta: RequestMeta): Promise<IssuedTokens> {
      const passkey = await passkeys.findByCredentialId(input.response.id);
      // Unknown credentials share one key per IP: their failures still count against the IP.
      const attempt = await deps.loginThrottle.beforeAttempt(`passkey:${passkey?.userId ?? 'unknown'}`, meta.ip);
      const stored = await deps.challenges.spend<LoginBinding>('login', input.challengeId);
      const allowed =
        stored !== null &&
        passkey !== undefined &&
        (stored.binding.allowCredentials?.includes(passkey.credentialId) ?? true) &&
        (await deps.passkeySigned(passkey, input.response, stored.challenge));
      if (!allowed) {
        const lockout = await deps.loginThrottle.recordFailure(attempt);
        await record('login.failed', meta, { userId: passkey?.userId ?? null, metadata: { method: 'passkey' } });
        if (lockout) {
          await record('login.rate_limited', meta, { userId: passkey?.userId ?? null, metadata: lockout });
        }
        throw new AppError('UNAUTHENTICATED', NOT_ACCEPTED);
      }
      await deps.loginThrottle.recordSuccess(attempt);
      const tokens = await deps.sessions.start(passkey.userId, meta);
      await deps.recentAuthentications.record(tokens.sessionId);
      await record('login.succeeded', meta, { userId: passkey.userId, metadata: { method: 'passkey' } });
      return tokens;
    },
  };
}

export type PasskeySignIn = ReturnType<typeof createPasskeySignIn>;
