import type { RefreshTokenRepository } from '@groundwork/db';

import type { SessionEnder } from './session-ender.js';
import type { Session } from './session.js';

/**
 * Ends every session of the user but this one: offered when a factor changes
 * (issue 14), so a thief holding another session loses it. Returns how many ended.
 */
export async function endOtherSessions(
  deps: { refreshTokens: Pick<RefreshTokenRepository, 'listActiveSessions'>; sessions: Pick<SessionEnder, 'endOne'> },
  session: Session,
): Promise<number> {
  const others = (await deps.refreshTokens.listActiveSessions(session.userId)).filter(
    (active) => active.sessionId !== session.sessionId,
  );
  for (const other of others) await deps.sessions.endOne({ sessionId: other.sessionId, userId: session.userId });
  return others.length;
}
