/** Where e-mailed links point and how long they work. */
export type AccountLinkSettings = {
  /** The web page that finishes a verification; the token travels in the fragment, never to a server log. */
  verifyEmailUrl: string;
  resetPasswordUrl: string;
  verificationTtlHours: number;
  resetTtlMinutes: number;
};

/** One-time link secrets: `gwl_` + 256 random bits. */
export const LINK_TOKEN_PREFIX = 'gwl_';
export const LINK_TOKEN_PATTERN = /^gwl_[A-Za-z0-9_-]{43}$/;

export function linkWithToken(pageUrl: string, token: string): string {
  const url = new URL(pageUrl);
  url.hash = `token=${token}`;
  return url.toString();
}
