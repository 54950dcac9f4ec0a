import type { Logger } from '@groundwork/core';
import type { UnitOfWork } from '@groundwork/db';
import type { EmailOutbox } from '@groundwork/email';
import type { Redis } from 'ioredis';

import { createEmailVerification } from './account-links/email-verification.js';
import type { AccountLinkSettings } from './account-links/link-settings.js';
import { type CompletePasswordResetInput, createPasswordReset } from './account-links/password-reset.js';
import { createAccountDeletion } from './accounts/account-deletion.js';
import { createChangePassword } from './accounts/change-password.js';
import { createLogin } from './accounts/login.js';
import { createProfile } from './accounts/profile.js';
import { createRegistration, type SignupInput } from './accounts/registration.js';
import type { PasswordHasher } from './passwords/password-hasher.js';
import type { LoginThrottle, OrganizationDeletionJobs, TokensValidAfter } from './ports.js';
import { createSessionRevocations } from './revocation/session-revocations.js';
import { createRefreshRotation } from './sessions/refresh-rotation.js';
import { createSessionAuthenticator } from './sessions/session-authenticator.js';
import { createSessionEnder } from './sessions/session-ender.js';
import { createSessionIssuer } from './sessions/session-issuer.js';
import { createSessionManagement } from './sessions/session-management.js';
import type { RequestMeta, Session } from './sessions/session.js';
import type { AccessTokens } from './tokens/access-tokens.js';

export type AuthSettings = {
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  refreshReuseGraceSeconds: number;
};

export type AuthOptions = {
  uow: UnitOfWork;
  /** Revocation markers live here (ADR 006, 012). */
  redis: Redis;
  keyPrefix: string;
  hasher: PasswordHasher;
  accessTokens: AccessTokens;
  /** The process's per-instance cache of `tokens_valid_after`. */
  tokensValidAfter: TokensValidAfter;
  loginThrottle: LoginThrottle;
  /** Where a deleted account's solely owned organizations are handed to the worker. */
  organizationDeletionJobs: OrganizationDeletionJobs;
  settings: AuthSettings;
  /** Account e-mail: the outbox messages are recorded in, and where links point (`config.links`). */
  email: { outbox: EmailOutbox; links: AccountLinkSettings };
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
  const passwordChecked = { repositories, hasher: options.hasher, loginThrottle: options.loginThrottle, sessions };

  return {
    ...createSessionAuthenticator({
      accessTokens: options.accessTokens,
      revocations,
      tokensValidAfter: options.tokensValidAfter,
    }),
    /** The Redis keys of a session's revocation, read in the request's one round trip (ADR 010). */
    revocationKeys: revocations.keysFor,

    async signup(input: SignupInput, meta: RequestMeta) {
      // The verification e-mail commits with the account, and is queued once both exist.
      const { user, extra: verificationEmailId } = await registration.register(input, meta, (repositories, created) =>
        emailVerification.issue(repositories, created.user, meta),
      );
      if (verificationEmailId) await options.email.outbox.dispatch(verificationEmailId);
      return { user, tokens: await sessions.start(user.id, meta) };
    },
    login: createLogin(passwordChecked),
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
    /** @throws AppError CONFLICT when already verified (the caller rate-limits it) */
    resendVerification: (session: Session, meta: RequestMeta) => emailVerification.resend(session, meta),
    /** Sets a new password with an e-mailed link; every session ends. The link itself is sent by the worker. */
    resetPassword: (input: CompletePasswordResetInput, meta: RequestMeta) => passwordReset.complete(input, meta),
  };
}

export type Auth = ReturnType<typeof createAuth>;
