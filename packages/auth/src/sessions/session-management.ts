import { AppError } from '@groundwork/core';
import type { Repositories } from '@groundwork/db';

import { auditTrail } from '../audit/audit-trail.js';
import type { SessionEnder } from './session-ender.js';
import type { RequestMeta, Session } from './session.js';

/** A user's own sessions: list them, end this one, one other, or all. */
export function createSessionManagement(deps: {
  repositories: Pick<Repositories, 'users' | 'refreshTokens' | 'audit'>;
  sessions: SessionEnder;
}) {
  const { users, refreshTokens } = deps.repositories;
  const record = auditTrail(deps.repositories.audit);

  return {
    async logout(session: Session, meta: RequestMeta): Promise<void> {
      await deps.sessions.endOne({ sessionId: session.sessionId, userId: session.userId });
      await record('logout', meta, { userId: session.userId, metadata: { sessionId: session.sessionId } });
    },

    async logoutAll(session: Session, meta: RequestMeta): Promise<{ revokedSessions: number }> {
      await users.voidTokensIssuedBeforeNow(session.userId);
      const revokedSessions = await deps.sessions.endAllAfterVoiding(session);
      await record('logout_all', meta, { userId: session.userId, metadata: { revokedSessions } });
      return { revokedSessions };
    },

    async sessions(session: Session) {
      const active = await refreshTokens.listActiveSessions(session.userId);
      return active.map((item) => ({ ...item, current: item.sessionId === session.sessionId }));
    },

    async revokeSession(session: Session, sessionId: string, meta: RequestMeta): Promise<void> {
      const ended = await deps.sessions.endOne({ sessionId, userId: session.userId, mustExist: true });
      // Someone else's session and a session that does not exist look the same.
      if (!ended) throw new AppError('NOT_FOUND', 'Session not found');
      await record('session.revoked', meta, { userId: session.userId, metadata: { sessionId } });
    },
  };
}
