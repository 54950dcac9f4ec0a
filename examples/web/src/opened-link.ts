/**
 * The e-mailed link this page was opened from (`/verify-email?token=…` and
 * the others built by the API's `buildAccountLink`), read once when the app
 * loads. The token leaves the address bar at once, so it is not kept in the
 * history, bookmarked or shown on screen; index.html sends no Referer (ADR 021).
 */
export type OpenedLink = { page: LinkPage; token: string };

export const LINK_PAGES = ['verify-email', 'reset-password', 'accept-invitation', 'confirm-email-change'] as const;
export type LinkPage = (typeof LINK_PAGES)[number];

function isLinkPage(value: string): value is LinkPage {
  return (LINK_PAGES as readonly string[]).includes(value);
}

function takeOpenedLink(): OpenedLink | null {
  const page = window.location.pathname.replace(/^\/+|\/+$/g, '');
  const token = new URLSearchParams(window.location.search).get('token');
  if (!isLinkPage(page) || !token) return null;
  window.history.replaceState(null, '', `/${page}`);
  return { page, token };
}

/** Module state: read before React renders (StrictMode renders twice; the address bar is already clean then). */
export const openedLink = takeOpenedLink();

/** Leaves the link's page for the app's home. */
export function goHome(): void {
  window.location.assign('/');
}
