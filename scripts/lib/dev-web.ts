/**
 * What the API needs to serve the React example at `origin` in development:
 * browser mode (refresh token in the HttpOnly __Host- cookie, which Chromium,
 * Firefox and Safari accept from http://localhost as a secure context), that
 * origin allowed by CORS, Checkout and the portal returning to it, and e-mailed links pointing to it.
 * `npm run dev` applies each only where the environment does not set it.
 */
export function webDefaults(origin: string): Record<string, string> {
  return {
    AUTH_REFRESH_COOKIE: 'true',
    CORS_ORIGINS: origin,
    BILLING_SUCCESS_URL: `${origin}/billing/success?session_id={CHECKOUT_SESSION_ID}`,
    BILLING_CANCEL_URL: `${origin}/billing`,
    BILLING_PORTAL_RETURN_URL: `${origin}/billing`,
    APP_URL: origin,
  };
}
