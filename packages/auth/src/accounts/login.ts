import { AppError } from '@groundwork/core';
import type { Repositories } from '@groundwork/db';

import { auditTrail } from '../audit/audit-trail.js';
import type { PasswordHasher } from '../passwords/password-hasher.js';
import { MAX_PASSWORD_BYTES } from '../passwords/password-policy.js';
import type { LoginThrottle } from '../ports.js';
import type { SessionIssuer } from '../sessions/session-issuer.js';
import type { IssuedTokens, RequestMeta } from '../sessions/session.js';
import type { RecentAuthentications } from '../step-up/recent-authentications.js';
import type { MfaChallenges } from '../two-factor/mfa-challenges.js';
import type { PasskeySecondFactor } from '../passkeys/passkey-second-factor.js';
import type { PasskeyAssertionOptions } from '../passkeys/relying-party.js';

export type LoginInput = { email: string; password: string };

/** The second factors a user can complete an MFA challenge with. */
export type MfaMethod = 'totp' | 'passkey';

/**
 * For a user with TOTP or a passkey, a correct password yields this instead of
 * tokens: see auth.completeMfa (TOTP or recovery code) and
 * auth.completeMfaWithPasskey (with `passkeyOptions`, present when `methods` has 'passkey').
 */
export type MfaChallenge = {
  mfaRequired: true;
  challenge: string;
  challengeExpiresAt: Date;
  methods: MfaMethod[];
  passkeyOptions?: PasskeyAssertionOptions;
};

/** One message for every login failure, so a response never tells which e-mails have accounts. */
const INVALID_CREDENTIALS = 'Invalid email or password';

/** Sign-in with e-mail and password, throttled per (e-mail, IP), per IP and per account. */
export function createLogin(deps: {
  repositories: Pick<Repositories, 'users' | 'audit' | 'twoFactor' | 'passkeys'>;
  hasher: PasswordHasher;
  loginThrottle: LoginThrottle;
  sessions: SessionIssuer;
  challenges: MfaChallenges;
  passkeySecondFactor: Pick<PasskeySecondFactor, 'optionsFor'>;
  recentAuthentications: RecentAuthentications;
}) {
  const { users } = deps.repositories;
  const { hasher } = deps;
  const record = auditTrail(deps.repositories.audit);

  return async function login(input: LoginInput, meta: RequestMeta): Promise<IssuedTokens | MfaChallenge> {
    if (Buffer.byteLength(input.password, 'utf8') > MAX_PASSWORD_BYTES) {
      // No stored password is longer; bcrypt would compare only a prefix of this one.
      throw new AppError('INVALID', `Password must be at most ${MAX_PASSWORD_BYTES} bytes in UTF-8`, {
        details: { field: 'password' },
      });
    }
    // A full hashing queue answers before any counter moves or any row is read.
    hasher.assertCapacity();
    const attempt = await deps.loginThrottle.beforeAttempt(input.email, meta.ip);
    const credentials = await users.findCredentialsByEmail(input.email);
    const valid = await hasher.verify(input.password, credentials?.passwordHash, meta.signal);
    if (!credentials || !valid) {
      const lockout = await deps.loginThrottle.recordFailure(attempt);
      await record('login.failed', meta, { userId: credentials?.id ?? null });
      if (lockout) {
        await record('login.rate_limited', meta, { userId: credentials?.id ?? null, metadata: lockout });
      }
      throw new AppError('UNAUTHENTICATED', INVALID_CREDENTIALS);
    }
    await deps.loginThrottle.recordSuccess(attempt);
    if (hasher.needsRehash(credentials.passwordHash)) {
      await users.upgradePasswordHash(credentials.id, credentials.passwordHash, await hasher.hash(input.password));
    }
    // A registered passkey is a second factor too: its owner expects the password alone not to suffice.
    const totpEnabled = await deps.repositories.twoFactor.isEnabled(credentials.id);
    const hasPasskey = await deps.repositories.passkeys.hasAny(credentials.id);
    if (totpEnabled || hasPasskey) {
      const { challenge, expiresAt } = await deps.challenges.issue(credentials.id);
      const passkeyOptions = hasPasskey ? await deps.passkeySecondFactor.optionsFor(credentials.id, challenge) : null;
      const methods: MfaMethod[] = [
        ...(totpEnabled ? ['totp' as const] : []),
        ...(passkeyOptions ? ['passkey' as const] : []),
      ];
      await record('login.mfa_required', meta, { userId: credentials.id, metadata: { methods: methods.join(',') } });
      return {
        mfaRequired: true,
        challenge,
        challengeExpiresAt: expiresAt,
        methods,
        ...(passkeyOptions ? { passkeyOptions } : {}),
      };
    }
    await record('login.succeeded', meta, { userId: credentials.id });
    const tokens = await deps.sessions.start(credentials.id, meta);
    await deps.recentAuthentications.record(tokens.sessionId);
    return tokens;
  };
}
