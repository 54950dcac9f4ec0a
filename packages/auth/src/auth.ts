import type { Logger } from '@groundwork/core';
import type { UnitOfWork } from '@groundwork/db';
import type { EmailOutbox } from '@groundwork/email';
import type { Cluster, Redis } from 'ioredis';

import { createEmailChange } from './account-links/email-change.js';
import { createEmailDeliveryRequirement } from './account-links/email-delivery-requirement.js';
import { createEmailVerification } from './account-links/email-verification.js';
import type { AccountLinkSettings } from './account-links/link-settings.js';
import { type CompletePasswordResetInput, createPasswordReset } from './account-links/password-reset.js';
import { createVerifiedEmailPolicy } from './account-links/verified-email-policy.js';
import { createAccountDeletion } from './accounts/account-deletion.js';
import { createChangePassword } from './accounts/change-password.js';
import { createLogin } from './accounts/login.js';
import { createProfile } from './accounts/profile.js';
import { createRegistration, type SignupInput, type WithinSignup } from './accounts/registration.js';
import { createDecoyCredentials } from './passkeys/decoy-credentials.js';
import { createPasskeyAssertions } from './passkeys/passkey-assertions.js';
import { createPasskeyChallenges } from './passkeys/passkey-challenges.js';
import { createPasskeyReauthentication } from './passkeys/passkey-reauthentication.js';
import { type CompleteMfaWithPasskeyInput, createPasskeySecondFactor } from './passkeys/passkey-second-factor.js';
import { createPasskeySettings } from './passkeys/passkey-settings.js';
import { createPasskeySignIn, type PasskeyLoginInput } from './passkeys/passkey-sign-in.js';
import { createRelyingParty, type PasskeyAssertionResponse, type PasskeySettings } from './passkeys/relying-party.js';
import type { PasswordHasher } from './passwords/password-hasher.js';
import type {
  Clock,
  LoginThrottle,
  OrganizationDeletionJobs,
  SecondFactorThrottle,
  TokensValidAfter,
} from './ports.js';
import { createSessionRevocations } from './revocation/session-revocations.js';
import { createRefreshRotation } from './sessions/refresh-rotation.js';
import { createSessionAuthenticator } from './sessions/session-authenticator.js';
import { createSessionEnder } from './sessions/session-ender.js';
import { createSessionIssuer } from './sessions/session-issuer.js';
import { createSessionManagement } from './sessions/session-management.js';
import type { RequestMeta, Session } from './sessions/session.js';
import { createPasswordCheck } from './step-up/password-check.js';
import { createReauthenticate } from './step-up/reauthenticate.js';
import { createRecentAuthentications } from './step-up/recent-authentications.js';
import type { AccessTokens } from './tokens/access-tokens.js';
import { createCompleteMfa } from './two-factor/complete-mfa.js';
import { createMfaChallenges } from './two-factor/mfa-challenges.js';
import { createSecondFactor } from './two-factor/second-factor.js';
import { createSecretBox } from './two-factor/secret-box.js';
import { createTwoFactorSettings } from './two-factor/two-factor-settings.js';

export type AuthSettings = {
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  refreshReuseGraceSeconds: number;
  /** Seals TOTP secrets at rest (ADR 026). */
  twoFactorSecret: string;
  /** The name authenticator apps show. */
  totpIssuer: string;
  mfaChallengeTtlSeconds: number;
  stepUpWindowSeconds: number;
  /** WebAuthn relying party and challenge lifetime (ADR 028). */
  passkeys: PasskeySettings;
};

export type AuthOptions = {
  uow: UnitOfWork;
  /** Revocation markers live here (ADR 006, 012). */
  redis: Redis | Cluster;
  keyPrefix: string;
  hasher: PasswordHasher;
  accessTokens: AccessTokens;
  /** The process's per-instance cache of `tokens_valid_after`. */
  tokensValidAfter: TokensValidAfter;
  loginThrottle: LoginThrottle;
  /** Where a deleted account's solely owned organizations are handed to the worker. */
  organizationDeletionJobs: OrganizationDeletionJobs;
  secondFactorThrottle: SecondFactorThrottle;
  settings: AuthSettings;
  /** Defaults to the system clock; tests move time with their own. */
  clock?: Clock;
  /**
   * Account e-mail: the outbox messages are recorded in, where links point (`config.links`), and
   * whether anything is delivered (false with EMAIL_DELIVERY=disabled: the verified-address policy is then off, ADR 029,
   * and requests that only send an e-mail are refused, ADR 038).
   */
  email: { outbox: EmailOutbox; links: AccountLinkSettings; deliveryEnabled: boolean };
  logger: Logger;
  /** Told of every detected refresh-token reuse (a metric). */
  onRefreshReuse?: () => void;
};

/**
 * Wires the auth use cases: accounts (signup, login, password change, me),
 * account e-mail (verification, password reset), account deletion, sessions (refresh rotation with reuse detection, logout,
 * listing) and their revocation. Repositories come from the unit of work and stay inside.
 *
 * @param options connections, primitives and the process's caches, see {@link AuthOptions}
 * @see docs/auth.md
 */
export function createAuth(options: AuthOptions) {
  const repositories = options.uow.repositories;
  const revocations = createSessionRevocations({
    redis: options.redis,
    keyPrefix: options.keyPrefix,
    accessTokenTtlSeconds: options.settings.accessTokenTtlSeconds,
    refreshTokens: repositories.refreshTokens,
    logger: options.logger,
  });
  const sessions = {
    ...createSessionIssuer({
      refreshTokens: repositories.refreshTokens,
      accessTokens: options.accessTokens,
      refreshTokenTtlSeconds: options.settings.refreshTokenTtlSeconds,
    }),
    ...createSessionEnder({
      refreshTokens: repositories.refreshTokens,
      revocations,
      tokensValidAfter: options.tokensValidAfter,
    }),
  };
  const registration = createRegistration({ uow: options.uow, hasher: options.hasher });
  const clock = options.clock ?? Date;
  const recentAuthentications = createRecentAuthentications({
    redis: options.redis,
    keyPrefix: options.keyPrefix,
    windowSeconds: options.settings.stepUpWindowSeconds,
    clock,
  });
  const challenges = createMfaChallenges({
    redis: options.redis,
    keyPrefix: options.keyPrefix,
    ttlSeconds: options.settings.mfaChallengeTtlSeconds,
    clock,
  });
  const secretBox = createSecretBox(options.settings.twoFactorSecret);
  const secondFactor = createSecondFactor({ repositories, secretBox, throttle: options.secondFactorThrottle, clock });
  const passwordMatches = createPasswordCheck({
    repositories,
    hasher: options.hasher,
    loginThrottle: options.loginThrottle,
  });
  const passwordChecked = {
    repositories,
    hasher: options.hasher,
    loginThrottle: options.loginThrottle,
    sessions,
    recentAuthentications,
  };
  const relyingParty = createRelyingParty(options.settings.passkeys);
  const passkeyChallenges = createPasskeyChallenges({
    redis: options.redis,
    keyPrefix: options.keyPrefix,
    ttlSeconds: options.settings.passkeys.challengeTtlSeconds,
    clock,
  });
  const passkeySigned = createPasskeyAssertions({ repositories, relyingParty });
  const passkeyCeremony = { repositories, relyingParty, challenges: passkeyChallenges, passkeySigned };
  const passkeySecondFactor = createPasskeySecondFactor({
    ...passkeyCeremony,
    mfaChallenges: challenges,
    throttle: options.secondFactorThrottle,
    sessions,
    recentAuthentications,
  });
  const passkeyReauthentication = createPasskeyReauthentication({
    ...passkeyCeremony,
    throttle: options.secondFactorThrottle,
    recentAuthentications,
    windowSeconds: options.settings.stepUpWindowSeconds,
    clock,
  });
  const passkeySignIn = createPasskeySignIn({
    ...passkeyCeremony,
    // A key of its own, derived from the two-factor secret: no new secret to configure.
    decoyCredentials: createDecoyCredentials(options.settings.twoFactorSecret),
    loginThrottle: options.loginThrottle,
    sessions,
    recentAuthentications,
  });
  const emailVerification = createEmailVerification({
    uow: options.uow,
    outbox: options.email.outbox,
    settings: options.email.links,
  });
  const emailChange = createEmailChange({
    uow: options.uow,
    outbox: options.email.outbox,
    settings: options.email.links,
  });
  const passwordReset = createPasswordReset({
    uow: options.uow,
    outbox: options.email.outbox,
    hasher: options.hasher,
    sessions,
    settings: options.email.links,
  });

  return {
    ...createSessionAuthenticator({
      accessTokens: options.accessTokens,
      revocations,
      tokensValidAfter: options.tokensValidAfter,
    }),
    /** The Redis keys of a session's revocation, read in the request's one round trip (ADR 010). */
    revocationKeys: revocations.keysFor,

    /** @param within more work that commits with the account or not at all (joining through an invitation) */
    async signup(input: SignupInput, meta: RequestMeta, within?: WithinSignup) {
      // The verification e-mail commits with the account, and is queued once both exist; an
      // invitation's link already proved the address (its `within` marks it verified).
      const { extra } = await registration.register(input, meta, async (repositories, created) => {
        const user = within ? { ...created.user, ...(await within(repositories, created)) } : created.user;
        const emailId = user.emailVerifiedAt ? null : await emailVerification.issue(repositories, user, meta);
        return { user, emailId };
      });
      if (!extra) throw new Error('signup committed without its account');
      if (extra.emailId) await options.email.outbox.dispatch(extra.emailId);
      const tokens = await sessions.start(extra.user.id, meta);
      await recentAuthentications.record(tokens.sessionId);
      return { user: extra.user, tokens };
    },
    login: createLogin({ ...passwordChecked, challenges, passkeySecondFactor }),
    /** A passkey's assertion completes the MFA challenge of a password login (ADR 028). */
    completeMfaWithPasskey: (input: CompleteMfaWithPasskeyInput, meta: RequestMeta) =>
      passkeySecondFactor.complete(input, meta),
    completeMfa: createCompleteMfa({ repositories, challenges, secondFactor, sessions, recentAuthentications }),
    twoFactor: createTwoFactorSettings({
      uow: options.uow,
      secretBox,
      secondFactor,
      passwordMatches,
      sessions,
      issuer: options.settings.totpIssuer,
    }),
    passkeys: {
      ...createPasskeySettings({ uow: options.uow, relyingParty, challenges: passkeyChallenges, sessions }),
      loginOptions: (input: { email?: string | undefined }) => passkeySignIn.options(input),
      login: (input: PasskeyLoginInput, meta: RequestMeta) => passkeySignIn.login(input, meta),
      reauthenticationOptions: (session: Session) => passkeyReauthentication.options(session),
      reauthenticate: (session: Session, input: { response: PasskeyAssertionResponse }, meta: RequestMeta) =>
        passkeyReauthentication.reauthenticate(session, input, meta),
    },
    reauthenticate: createReauthenticate({
      repositories,
      passwordMatches,
      secondFactor,
      recentAuthentications,
      windowSeconds: options.settings.stepUpWindowSeconds,
      clock,
    }),
    /**
     * Step-up for sensitive actions (ADR 026): throws FORBIDDEN with
     * `{ reason: 'STEP_UP_REQUIRED' }` unless the session authenticated within the window.
     */
    requireRecentAuthentication: (session: Session) => recentAuthentications.require(session),
    refresh: createRefreshRotation({
      repositories,
      sessions,
      refreshReuseGraceSeconds: options.settings.refreshReuseGraceSeconds,
      logger: options.logger,
      ...(options.onRefreshReuse ? { onRefreshReuse: options.onRefreshReuse } : {}),
    }),
    changePassword: createChangePassword(passwordChecked),
    deleteAccount: createAccountDeletion({
      ...passwordChecked,
      uow: options.uow,
      organizationDeletionJobs: options.organizationDeletionJobs,
      logger: options.logger,
    }),
    ...createSessionManagement({ repositories, sessions }),
    me: createProfile({ repositories }),
    /** @throws AppError INVALID when the link is unknown, used, superseded or expired */
    verifyEmail: (token: string, meta: RequestMeta) => emailVerification.verify(token, meta),
    /**
     * Checkouts and invitations need a proven address (issue 13): throws FORBIDDEN with
     * `{ reason: 'EMAIL_NOT_VERIFIED' }` until the user has followed the verification link.
     * Not enforced while e-mail delivery is off (ADR 029).
     */
    requireVerifiedEmail: createVerifiedEmailPolicy({ repositories, enforced: options.email.deliveryEnabled }),
    /**
     * Procedures that exist only to send an e-mail call this first, before limits, step-up or writes:
     * throws PRECONDITION_FAILED with `{ reason: 'EMAIL_DELIVERY_DISABLED' }` while delivery is off (ADR 038).
     */
    requireEmailDelivery: createEmailDeliveryRequirement(options.email.deliveryEnabled),
    /** @throws AppError CONFLICT when already verified (the caller checks requireEmailDelivery and rate-limits it) */
    resendVerification: (session: Session, meta: RequestMeta) => emailVerification.resend(session, meta),
    /**
     * Mails a link to the new address and a notice to the current one; the caller checks
     * requireEmailDelivery, step-up and limits.
     */
    requestEmailChange: (session: Session, newEmail: string, meta: RequestMeta) =>
      emailChange.request(session, newEmail, meta),
    /** Moves the account to the address its link was sent to. @throws AppError INVALID, CONFLICT */
    confirmEmailChange: (token: string, meta: RequestMeta) => emailChange.confirm(token, meta),
    /** Sets a new password with an e-mailed link; every session ends. The link itself is sent by the worker. */
    resetPassword: (input: CompletePasswordResetInput, meta: RequestMeta) => passwordReset.complete(input, meta),
  };
}

export type Auth = ReturnType<typeof createAuth>;
