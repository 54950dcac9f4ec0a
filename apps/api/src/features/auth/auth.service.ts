import { randomUUID } from 'node:crypto';

import {
  type AccessClaims,
  type AccessTokens,
  assertAcceptablePassword,
  generateRefreshToken,
  hashRefreshToken,
  MAX_PASSWORD_BYTES,
  type PasswordHasher,
} from '@groundwork/auth';
import { AppError, type Logger } from '@groundwork/core';
import type {
  AuditEventRepository,
  AuditEventType,
  OrganizationRepository,
  RefreshTokenRepository,
  UserRepository,
} from '@groundwork/db';

import type { LoginThrottle } from '../../rate-limit/login-throttle.js';
import type { ChangePasswordInput, LoginInput, SignupInput } from './auth.schema.js';
import type { SessionRevocations } from './session-revocations.js';
import type { TokensValidAfter } from './tokens-valid-after.js';

/** Who is asking, for audit records and the sessions list. */
export type RequestMeta = {
  ip: string;
  userAgent: string | null;
  requestId: string;
  /** Aborts when the client goes away before its answer: expensive work not yet started is skipped. */
  signal?: AbortSignal;
};
export type Session = { userId: string; sessionId: string };
export type IssuedTokens = {
  accessToken: string;
  accessTokenExpiresAt: Date;
  refreshToken: string;
  /** The session (refresh family) ends here, however often it is refreshed: login again after. */
  sessionExpiresAt: Date;
  sessionId: string;
};

/** One message for every login failure, so a response never tells which e-mails have accounts. */
const INVALID_CREDENTIALS = 'Invalid email or password';
const SESSION_ENDED = 'Session expired or revoked; sign in again';

export type AuthServiceDeps = {
  users: UserRepository;
  organizations: OrganizationRepository;
  refreshTokens: RefreshTokenRepository;
  audit: AuditEventRepository;
  hasher: PasswordHasher;
  accessTokens: AccessTokens;
  revocations: SessionRevocations;
  tokensValidAfter: Pick<TokensValidAfter, 'isVoided' | 'announce'>;
  loginThrottle: LoginThrottle;
  settings: { refreshTokenTtlSeconds: number; refreshReuseGraceSeconds: number };
  logger: Logger;
  /** Told of every detected refresh-token reuse (a metric). */
  onRefreshReuse?: () => void;
};

export function createAuthService(deps: AuthServiceDeps) {
  const { users, refreshTokens, audit, hasher, revocations } = deps;

  const record = (
    type: AuditEventType,
    meta: RequestMeta,
    extra: {
      userId?: string | null;
      organizationId?: string | null;
      metadata?: Record<string, string | number | boolean | null>;
    } = {},
  ) =>
    audit.insert({
      type,
      actorUserId: extra.userId ?? null,
      organizationId: extra.organizationId ?? null,
      ip: meta.ip,
      userAgent: meta.userAgent,
      requestId: meta.requestId,
      ...(extra.metadata ? { metadata: extra.metadata } : {}),
    });

  function accessFor(session: Session) {
    const { token, expiresAt } = deps.accessTokens.issue(session);
    return { accessToken: token, accessTokenExpiresAt: expiresAt };
  }

  /** Starts a new refresh family (a "session") for the user. */
  async function startSession(userId: string, meta: RequestMeta): Promise<IssuedTokens> {
    const sessionId = randomUUID();
    const refreshToken = generateRefreshToken();
    const sessionExpiresAt = new Date(Date.now() + deps.settings.refreshTokenTtlSeconds * 1000);
    await refreshTokens.insertFamilyHead({
      tokenHash: hashRefreshToken(refreshToken),
      familyId: sessionId,
      userId,
      familyExpiresAt: sessionExpiresAt,
      context: { userAgent: meta.userAgent, ip: meta.ip },
    });
    return { ...accessFor({ userId, sessionId }), refreshToken, sessionExpiresAt, sessionId };
  }

  async function revokeSessions(sessionIds: string[]): Promise<void> {
    await revocations.markRevoked(sessionIds);
  }

  return {
    /**
     * The session an access token stands for, or null: invalid, expired or
     * revoked tokens all read as anonymous; protected procedures then refuse.
     */
    async authenticate(accessToken: string): Promise<Session | null> {
      const claims = deps.accessTokens.verify(accessToken);
      if (!claims) return null;
      const [revoked, voided] = await Promise.all([
        revocations.isRevoked(claims.sid),
        deps.tokensValidAfter.isVoided(claims.sub, claims.iat),
      ]);
      if (revoked || voided) return null;
      return { userId: claims.sub, sessionId: claims.sid };
    },

    /** The claims of a valid access token (signature, type, issuer, audience, age), or null: CPU only. */
    verifyAccessToken: (accessToken: string) => deps.accessTokens.verify(accessToken),

    /**
     * The session of verified claims, given what the request's one Redis round trip read of
     * its revocation (null: nothing): the hot path's `authenticate`. In the steady state it does
     * no I/O of its own (tokens_valid_after is cached); after Redis lost its data, or while it is
     * down, the database answers for the session (ADR 012).
     */
    async sessionFor(
      claims: AccessClaims,
      revocation: { markerExists: boolean; since: string | null } | null,
    ): Promise<Session | null> {
      const [revoked, voided] = await Promise.all([
        revocations.isRevokedGiven(claims.sid, revocation),
        deps.tokensValidAfter.isVoided(claims.sub, claims.iat),
      ]);
      if (revoked || voided) return null;
      return { userId: claims.sub, sessionId: claims.sid };
    },

    async signup(input: SignupInput, meta: RequestMeta) {
      assertAcceptablePassword(input.password);
      const passwordHash = await hasher.hash(input.password, meta.signal);
      const { user, organizationId } = await users.insertWithPersonalOrganization({
        email: input.email,
        passwordHash,
        displayName: input.displayName,
        organizationName: `${input.displayName}'s workspace`.slice(0, 100),
      });
      await record('signup', meta, { userId: user.id, organizationId });
      return { user, tokens: await startSession(user.id, meta) };
    },

    async login(input: LoginInput, meta: RequestMeta) {
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
      await record('login.succeeded', meta, { userId: credentials.id });
      return startSession(credentials.id, meta);
    },

    /**
     * Exchanges a refresh token for a new pair (rotation). A token used before
     * revokes its whole family (it was copied), except the immediate parent
     * presented again within the grace period: that is two tabs or a retry
     * racing, and is refused without punishing the session.
     */
    async refresh(refreshToken: string, meta: RequestMeta): Promise<IssuedTokens> {
      const successor = generateRefreshToken();
      const rotated = await refreshTokens.rotate({
        tokenHash: hashRefreshToken(refreshToken),
        successorHash: hashRefreshToken(successor),
        context: { userAgent: meta.userAgent, ip: meta.ip },
      });
      if (rotated) {
        const session = { userId: rotated.userId, sessionId: rotated.familyId };
        return {
          ...accessFor(session),
          refreshToken: successor,
          sessionExpiresAt: rotated.familyExpiresAt,
          sessionId: rotated.familyId,
        };
      }

      const presented = await refreshTokens.findPresented(hashRefreshToken(refreshToken));
      if (!presented?.usedAt || presented.revokedAt) throw new AppError('UNAUTHENTICATED', SESSION_ENDED);
      const sinceUseMs = Date.now() - presented.usedAt.getTime();
      const racingImmediateParent =
        sinceUseMs <= deps.settings.refreshReuseGraceSeconds * 1000 &&
        presented.childId !== null &&
        presented.childUsedAt === null &&
        presented.childRevokedAt === null;
      if (racingImmediateParent) {
        deps.logger.info({ sessionId: presented.familyId }, 'refresh token presented twice within the grace period');
        await record('refresh.refused_in_grace', meta, {
          userId: presented.userId,
          metadata: { sessionId: presented.familyId },
        });
        throw new AppError('UNAUTHENTICATED', 'Refresh token already used');
      }
      await refreshTokens.revokeFamily(presented.familyId);
      await revokeSessions([presented.familyId]);
      await record('refresh.reuse_detected', meta, {
        userId: presented.userId,
        metadata: { sessionId: presented.familyId },
      });
      deps.logger.warn(
        { sessionId: presented.familyId, userId: presented.userId },
        'refresh token reuse: session revoked',
      );
      deps.onRefreshReuse?.();
      throw new AppError('UNAUTHENTICATED', SESSION_ENDED);
    },

    async logout(session: Session, meta: RequestMeta): Promise<void> {
      await refreshTokens.revokeFamily(session.sessionId, session.userId);
      await revokeSessions([session.sessionId]);
      await record('logout', meta, { userId: session.userId, metadata: { sessionId: session.sessionId } });
    },

    async logoutAll(session: Session, meta: RequestMeta): Promise<{ revokedSessions: number }> {
      await users.voidTokensIssuedBeforeNow(session.userId);
      await deps.tokensValidAfter.announce(session.userId);
      const families = await refreshTokens.revokeAllForUser(session.userId);
      await revokeSessions([...new Set([...families, session.sessionId])]);
      await record('logout_all', meta, { userId: session.userId, metadata: { revokedSessions: families.length } });
      return { revokedSessions: families.length };
    },

    /**
     * Requires the current password, guarded like a login (keyed by user and IP),
     * so a stolen access token cannot be used to guess it. Ends every session,
     * then opens a fresh one for this device.
     */
    async changePassword(session: Session, input: ChangePasswordInput, meta: RequestMeta): Promise<IssuedTokens> {
      hasher.assertCapacity();
      const attempt = await deps.loginThrottle.beforeAttempt(`user:${session.userId}`, meta.ip);
      const credentials = await users.findCredentialsById(session.userId);
      if (!credentials || !(await hasher.verify(input.currentPassword, credentials.passwordHash, meta.signal))) {
        const lockout = await deps.loginThrottle.recordFailure(attempt);
        await record('password.change_failed', meta, {
          userId: session.userId,
          ...(lockout ? { metadata: lockout } : {}),
        });
        throw new AppError('FORBIDDEN', 'Current password is incorrect', { details: { field: 'currentPassword' } });
      }
      await deps.loginThrottle.recordSuccess(attempt);
      assertAcceptablePassword(input.newPassword, 'newPassword');
      await users.changePassword(session.userId, await hasher.hash(input.newPassword));
      await deps.tokensValidAfter.announce(session.userId);
      const families = await refreshTokens.revokeAllForUser(session.userId);
      await revokeSessions([...new Set([...families, session.sessionId])]);
      await record('password.changed', meta, {
        userId: session.userId,
        metadata: { revokedSessions: families.length },
      });
      return startSession(session.userId, meta);
    },

    async sessions(session: Session) {
      const active = await refreshTokens.listActiveSessions(session.userId);
      return active.map((item) => ({ ...item, current: item.sessionId === session.sessionId }));
    },

    async revokeSession(session: Session, sessionId: string, meta: RequestMeta): Promise<void> {
      const revoked = await refreshTokens.revokeFamily(sessionId, session.userId);
      // Someone else's session and a session that does not exist look the same.
      if (revoked === 0) throw new AppError('NOT_FOUND', 'Session not found');
      await revokeSessions([sessionId]);
      await record('session.revoked', meta, { userId: session.userId, metadata: { sessionId } });
    },

    async me(session: Session) {
      const user = await users.findById(session.userId);
      if (!user) throw new AppError('UNAUTHENTICATED', SESSION_ENDED);
      return { user, memberships: await deps.organizations.listForUser(session.userId) };
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
