import { AppError, type Logger } from '@groundwork/core';
import type { Repositories } from '@groundwork/db';

import { auditTrail } from '../audit/audit-trail.js';
import { generateRefreshToken, hashRefreshToken } from '../tokens/refresh-tokens.js';
import type { SessionEnder } from './session-ender.js';
import type { SessionIssuer } from './session-issuer.js';
import { type IssuedTokens, type RequestMeta, SESSION_ENDED } from './session.js';

/**
 * Exchanges a refresh token for a new pair (rotation). A token used before
 * revokes its whole family (it was copied), except the immediate parent
 * presented again within the grace period: that is two tabs or a retry
 * racing, and is refused without punishing the session.
 */
export function createRefreshRotation(deps: {
  repositories: Pick<Repositories, 'refreshTokens' | 'audit'>;
  sessions: SessionIssuer & SessionEnder;
  refreshReuseGraceSeconds: number;
  logger: Logger;
  /** Told of every detected refresh-token reuse (a metric). */
  onRefreshReuse?: () => void;
}) {
  const { refreshTokens } = deps.repositories;
  const record = auditTrail(deps.repositories.audit);

  async function refuseReplay(refreshToken: string, meta: RequestMeta): Promise<never> {
    const presented = await refreshTokens.findPresented(hashRefreshToken(refreshToken));
    if (!presented?.usedAt || presented.revokedAt) throw new AppError('UNAUTHENTICATED', SESSION_ENDED);
    const sinceUseMs = Date.now() - presented.usedAt.getTime();
    const racingImmediateParent =
      sinceUseMs <= deps.refreshReuseGraceSeconds * 1000 &&
      presented.childId !== null &&
      presented.childUsedAt === null &&
      presented.childRevokedAt === null;
    const sessionId = presented.familyId;
    if (racingImmediateParent) {
      deps.logger.info({ sessionId }, 'refresh token presented twice within the grace period');
      await record('refresh.refused_in_grace', meta, { userId: presented.userId, metadata: { sessionId } });
      throw new AppError('UNAUTHENTICATED', 'Refresh token already used');
    }
    await deps.sessions.endOne({ sessionId });
    await record('refresh.reuse_detected', meta, { userId: presented.userId, metadata: { sessionId } });
    deps.logger.warn({ sessionId, userId: presented.userId }, 'refresh token reuse: session revoked');
    deps.onRefreshReuse?.();
    throw new AppError('UNAUTHENTICATED', SESSION_ENDED);
  }

  return async function refresh(refreshToken: string, meta: RequestMeta): Promise<IssuedTokens> {
    const successor = generateRefreshToken();
    const rotated = await refreshTokens.rotate({
      tokenHash: hashRefreshToken(refreshToken),
      successorHash: hashRefreshToken(successor),
      context: { userAgent: meta.userAgent, ip: meta.ip },
    });
    if (!rotated) return refuseReplay(refreshToken, meta);
    return {
      ...deps.sessions.accessFor({ userId: rotated.userId, sessionId: rotated.familyId }),
      refreshToken: successor,
      sessionExpiresAt: rotated.familyExpiresAt,
      sessionId: rotated.familyId,
    };
  };
}
