/** Who is asking, for audit records and the sessions list. */
export type RequestMeta = {
  ip: string;
  userAgent: string | null;
  requestId: string;
  /** Aborts when the client goes away before its answer: expensive work not yet started is skipped. */
  signal?: AbortSignal;
};

/** A signed-in user on one device: `sessionId` is the refresh-token family. */
export type Session = { userId: string; sessionId: string };

export type IssuedTokens = {
  accessToken: string;
  accessTokenExpiresAt: Date;
  refreshToken: string;
  /** The session (refresh family) ends here, however often it is refreshed: login again after. */
  sessionExpiresAt: Date;
  sessionId: string;
};

export const SESSION_ENDED = 'Session expired or revoked; sign in again';
