import type { TokensValidAfter } from '../ports.js';
import type { SessionRevocations } from '../revocation/session-revocations.js';
import type { AccessClaims, AccessTokens } from '../tokens/access-tokens.js';
import type { Session } from './session.js';

/** What the request's one Redis round trip read of a session's revocation (null: it could not). */
export type RevocationRead = { markerExists: boolean; since: string | null } | null;

/** Turns access tokens into sessions: invalid, expired or revoked tokens all read as anonymous (null). */
export function createSessionAuthenticator(deps: {
  accessTokens: Pick<AccessTokens, 'verify'>;
  revocations: Pick<SessionRevocations, 'isRevoked' | 'isRevokedGiven'>;
  tokensValidAfter: Pick<TokensValidAfter, 'isVoided'>;
}) {
  const sessionUnlessEnded = (claims: AccessClaims, [revoked, voided]: [boolean, boolean]): Session | null =>
    revoked || voided ? null : { userId: claims.sub, sessionId: claims.sid };

  return {
    /**
     * The session an access token stands for, or null: invalid, expired or
     * revoked tokens all read as anonymous; protected procedures then refuse.
     */
    async authenticate(accessToken: string): Promise<Session | null> {
      const claims = deps.accessTokens.verify(accessToken);
      if (!claims) return null;
      const verdicts = await Promise.all([
        deps.revocations.isRevoked(claims.sid),
        deps.tokensValidAfter.isVoided(claims.sub, claims.iat),
      ]);
      return sessionUnlessEnded(claims, verdicts);
    },

    /** The claims of a valid access token (signature, type, issuer, audience, age), or null: CPU only. */
    verifyAccessToken: (accessToken: string) => deps.accessTokens.verify(accessToken),

    /**
     * The session of verified claims, given what the request's one Redis round trip read of
     * its revocation (null: nothing): the hot path's `authenticate`. In the steady state it does
     * no I/O of its own (tokens_valid_after is cached); after Redis lost its data, or while it is
     * down, the database answers for the session (ADR 012).
     */
    async sessionFor(claims: AccessClaims, revocation: RevocationRead): Promise<Session | null> {
      const verdicts = await Promise.all([
        deps.revocations.isRevokedGiven(claims.sid, revocation),
        deps.tokensValidAfter.isVoided(claims.sub, claims.iat),
      ]);
      return sessionUnlessEnded(claims, verdicts);
    },
  };
}
