import type { Logger } from '@groundwork/core';
import type { UnitOfWork } from '@groundwork/db';
import type { Cluster, Redis } from 'ioredis';

import { createChangePassword } from './accounts/change-password.js';
import { createLogin } from './accounts/login.js';
import { createProfile } from './accounts/profile.js';
import { createRegistration, type SignupInput } from './accounts/registration.js';
import type { PasswordHasher } from './passwords/password-hasher.js';
import type { LoginThrottle, TokensValidAfter } from './ports.js';
import { createSessionRevocations } from './revocation/session-revocations.js';
import { createRefreshRotation } from './sessions/refresh-rotation.js';
import { createSessionAuthenticator } from './sessions/session-authenticator.js';
import { createSessionEnder } from './sessions/session-ender.js';
import { createSessionIssuer } from './sessions/session-issuer.js';
import { createSessionManagement } from './sessions/session-management.js';
import type { RequestMeta } from './sessions/session.js';
import type { AccessTokens } from './tokens/access-tokens.js';

export type AuthSettings = {
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  refreshReuseGraceSeconds: number;
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
  settings: AuthSettings;
  logger: Logger;
  /** Told of every detected refresh-token reuse (a metric). */
  onRefreshReuse?: () => void;
};

/**
 * Wires the auth use cases: accounts (signup, login, password change, me),
 * sessions (refresh rotation with reuse detection, logout, listing) and their
 * revocation. Repositories come from the unit of work and stay inside.
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
      const { user } = await registration.register(input, meta);
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
    ...createSessionManagement({ repositories, sessions }),
    me: createProfile({ repositories }),
  };
}

export type Auth = ReturnType<typeof createAuth>;
