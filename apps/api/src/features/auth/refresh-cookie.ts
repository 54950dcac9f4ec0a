import type { IssuedTokens } from '@groundwork/auth';
import { AppError } from '@groundwork/core';
import { serialize } from 'cookie';

/** `__Host-`: the browser only accepts it Secure, on Path=/ and without a Domain, so no subdomain can plant one. */
export const REFRESH_COOKIE = '__Host-gw_refresh';

/** The part of a request the cookie needs. */
type CookieRequest = { origin: string | null; cookies: Readonly<Record<string, string | undefined>> };

/** Tokens as the client receives them: no refresh token in the body in cookie mode. */
export type DeliveredTokens = Omit<IssuedTokens, 'refreshToken'> & { refreshToken?: string };

export type RefreshCookieOptions = { enabled: boolean; allowedOrigins: ReadonlySet<string> };

/**
 * Browser mode (AUTH_REFRESH_COOKIE=true): the refresh token travels in an
 * HttpOnly cookie instead of the response body, out of reach of scripts.
 * These are the rules; the middlewares in `refresh-cookie.middleware.ts` apply
 * them to the auth procedures' requests and responses.
 */
export function createRefreshCookies(options: RefreshCookieOptions) {
  const cookie = (value: string, expires: Date) =>
    serialize(REFRESH_COOKIE, value, { httpOnly: true, secure: true, sameSite: 'strict', path: '/', expires });

  /** A cookie is sent by the browser whoever asked; only the allowed origins may make it count. */
  function assertAllowedOrigin(request: CookieRequest) {
    if (!request.origin || !options.allowedOrigins.has(request.origin)) {
      throw new AppError('FORBIDDEN', 'This origin may not use the session cookie');
    }
  }

  return {
    enabled: options.enabled,

    /** What the client receives: in cookie mode the refresh token goes into a cookie and out of the body. */
    deliver(tokens: IssuedTokens): { body: DeliveredTokens; setCookie: string | null } {
      if (!options.enabled) return { body: tokens, setCookie: null };
      const { refreshToken, ...body } = tokens;
      return { body, setCookie: cookie(refreshToken, tokens.sessionExpiresAt) };
    },

    /** The refresh token from the body, or (cookie mode, allowed origin) from the cookie. */
    read(request: CookieRequest, fromBody: string | undefined): string {
      if (fromBody) return fromBody;
      const fromCookie = options.enabled ? request.cookies[REFRESH_COOKIE] : undefined;
      if (!fromCookie) throw new AppError('UNAUTHENTICATED', 'No refresh token presented');
      assertAllowedOrigin(request);
      return fromCookie;
    },

    /** The Set-Cookie that removes the cookie, or null outside cookie mode. */
    clearing: (): string | null => (options.enabled ? cookie('', new Date(0)) : null),
  };
}

export type RefreshCookies = ReturnType<typeof createRefreshCookies>;
