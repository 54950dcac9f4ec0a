import type { RefreshTokenRepository } from '@groundwork/db';

import type { TokensValidAfter } from '../ports.js';
import type { SessionRevocations } from '../revocation/session-revocations.js';
import type { Session } from './session.js';

/**
 * Ends sessions in the database (the truth), then makes the end reach access
 * tokens still in flight: revocation markers per session, and the user's
 * `tokens_valid_after` announced to every instance.
 */
export function createSessionEnder(deps: {
  refreshTokens: Pick<RefreshTokenRepository, 'revokeFamily' | 'revokeAllForUser'>;
  revocations: Pick<SessionRevocations, 'markRevoked'>;
  tokensValidAfter: Pick<TokensValidAfter, 'announce'>;
}) {
  return {
    /**
     * Ends one session; with `userId`, only if it is that user's. With `mustExist`, a
     * session with nothing left to revoke (none, or someone else's) is reported as
     * false and not marked. Returns whether anything was still open.
     */
    async endOne(target: { sessionId: string; userId?: string; mustExist?: boolean }): Promise<boolean> {
      const revoked = await deps.refreshTokens.revokeFamily(target.sessionId, target.userId);
      if (revoked === 0 && target.mustExist) return false;
      await deps.revocations.markRevoked([target.sessionId]);
      return revoked > 0;
    },

    /**
     * Call after the user's `tokens_valid_after` moved in the database: ends every
     * session of the user. Returns how many were still open.
     */
    async endAllOfUser(userId: string): Promise<number> {
      await deps.tokensValidAfter.announce(userId);
      const families = await deps.refreshTokens.revokeAllForUser(userId);
      if (families.length > 0) await deps.revocations.markRevoked(families);
      return families.length;
    },

    /**
     * For sessions whose refresh tokens are already gone from the database (a
     * deleted account): the user's `tokens_valid_after`, which moved in the same
     * transaction, is announced, and each session (the caller's too) marked revoked.
     */
    async endErased(session: Session, sessionIds: readonly string[]): Promise<void> {
      await deps.tokensValidAfter.announce(session.userId);
      await deps.revocations.markRevoked([...new Set([...sessionIds, session.sessionId])]);
    },

    /** {@link endAllOfUser}, the caller's own session included even if its family was already revoked. */
    async endAllAfterVoiding(session: Session): Promise<number> {
      await deps.tokensValidAfter.announce(session.userId);
      const families = await deps.refreshTokens.revokeAllForUser(session.userId);
      await deps.revocations.markRevoked([...new Set([...families, session.sessionId])]);
      return families.length;
    },
  };
}

export type SessionEnder = ReturnType<typeof createSessionEnder>;
