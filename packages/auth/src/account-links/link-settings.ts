/** Where e-mailed links point and how long they work (`config.links`). */
export type AccountLinkSettings = {
  /** The front end; each flow has its page under it (see {@link ACCOUNT_LINK_PAGES}). */
  appUrl: string;
  verificationTtlHours: number;
  resetTtlMinutes: number;
};

/** The front-end page of each e-mailed link, relative to the app URL. */
export const ACCOUNT_LINK_PAGES = {
  verifyEmail: 'verify-email',
  resetPassword: 'reset-password',
  acceptInvitation: 'accept-invitation',
  confirmEmailChange: 'confirm-email-change',
} as const;

export type AccountLinkPage = keyof typeof ACCOUNT_LINK_PAGES;

/** One-time link secrets: `gwl_` + 256 random bits. */
export const LINK_TOKEN_PREFIX = 'gwl_';
export const LINK_TOKEN_PATTERN = /^gwl_[A-Za-z0-9_-]{43}$/;

/**
 * The one way an e-mailed link is built, for every flow that mails a token:
 * `${appUrl}/${page}?token=…`. The token is a query parameter (the format
 * clients rely on, see issue 13); the page must take it out of the address
 * bar and send no Referer (ADR 021). A path or query the app URL already has
 * is kept, so the front end may live under a prefix.
 *
 * @param appUrl the front end (APP_URL)
 * @param page which flow's page the link opens
 * @param token the secret the page posts back (e.g. to `auth.verifyEmail`)
 * @see ADR 021
 */
export function buildAccountLink(appUrl: string, page: AccountLinkPage, token: string): string {
  const url = new URL(appUrl);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/${ACCOUNT_LINK_PAGES[page]}`;
  url.hash = '';
  url.searchParams.set('token', token);
  return url.toString();
}
