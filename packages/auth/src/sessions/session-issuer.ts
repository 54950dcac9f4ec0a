import { randomUUID } from 'node:crypto';

import type { RefreshTokenRepository } from '@groundwork/db';

import type { AccessTokens } from '../tokens/access-tokens.js';
import { generateRefreshToken, hashRefreshToken } from '../tokens/refresh-tokens.js';
import type { IssuedTokens, RequestMeta, Session } from './session.js';

/** Issues access tokens for a session, and starts new sessions (refresh families). */
export function createSessionIssuer(deps: {
  refreshTokens: Pick<RefreshTokenRepository, 'insertFamilyHead'>;
  accessTokens: AccessTokens;
  refreshTokenTtlSeconds: number;
}) {
  function accessFor(session: Session) {
    const { token, expiresAt } = deps.accessTokens.issue(session);
    return { accessToken: token, accessTokenExpiresAt: expiresAt };
  }

  return {
    accessFor,

    /** Starts a new refresh family (a "session") for the user. */
    async start(userId: string, meta: RequestMeta): Promise<IssuedTokens> {
      const sessionId = randomUUID();
      const refreshToken = generateRefreshToken();
      const sessionExpiresAt = new Date(Date.now() + deps.refreshTokenTtlSeconds * 1000);
      await deps.refreshTokens.insertFamilyHead({
        tokenHash: hashRefreshToken(refreshToken),
        familyId: sessionId,
        userId,
        familyExpiresAt: sessionExpiresAt,
        context: { userAgent: meta.userAgent, ip: meta.ip },
      });
      return { ...accessFor({ userId, sessionId }), refreshToken, sessionExpiresAt, sessionId };
    },
  };
}

export type SessionIssuer = ReturnType<typeof createSessionIssuer>;
