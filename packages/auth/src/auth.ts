import type { Logger } from '@groundwork/core';
import type { UnitOfWork } from '@groundwork/db';
import type { EmailOutbox } from '@groundwork/email';
import type { Cluster, Redis } from 'ioredis';

import { createEmailVerification } from './account-links/email-verification.js';
import type { AccountLinkSettings } from './account-links/link-settings.js';
import { type CompletePasswordResetInput, createPasswordReset } from './account-links/password-reset.js';
import { createVerifiedEmailPolicy } from './account-links/verified-email-policy.js';
import { createAccountDeletion } from './accounts/account-deletion.js';
import { createChangePassword } from './accounts/change-password.js';
import { createLogin } from './accounts/login.js';
import { createProfile } from './accounts/profile.js';
import { createRegistration, type SignupInput, type WithinSignup } from './accounts/registration.js';
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
   * whether anything is delivered (false with EMAIL_DELIVERY=disabled: the verified-address policy is then off, ADR 029).
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
  const emailVerification = createEmailVerification({
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
      const { user, extra: verificationEmailId } = await registration.register(
        input,
        meta,
        async (repositories, created) => {
          await within?.(repositories, created);
          const current = within ? await repositories.users.findById(created.user.id) : created.user;
          return current?.emailVerifiedAt ? null : emailVerification.issue(repositories, created.user, meta);
        },
      );
      if (verificationEmailId) await options.email.outbox.dispatch(verificationEmailId);
      const tokens = await sessions.start(user.id, meta);
      await recentAuthentications.record(tokens.sessionId);
      return { user, tokens };
    },
    login: createLogin({ ...passwordChecked, challenges }),
    completeMfa: createCompleteMfa({ repositories, challenges, secondFactor, sessions, recentAuthentications }),
    twoFactor: createTwoFactorSettings({
      uow: options.uow,
      secretBox,
      secondFactor,
      passwordMatches,
      sessions,
      issuer: options.settings.totpIssuer,
    }),
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
    /** @throws AppError CONFLICT when already verified (the caller rate-limits it) */
    resendVerification: (session: Session, meta: RequestMeta) => emailVerification.resend(session, meta),
    /** Sets a new password with an e-mailed link; every session ends. The link itself is sent by the worker. */
    resetPassword: (input: CompletePasswordResetInput, meta: RequestMeta) => passwordReset.complete(input, meta),
  };
}

export type Auth = ReturnType<typeof createAuth>;
