import { AppError } from '@groundwork/core';
import { serialize } from 'cookie';

import type { IssuedTokens } from './auth.service.js';

/** `__Host-`: the browser only accepts it Secure, on Path=/ and without a Domain, so no subdomain can plant one. */
export const REFRESH_COOKIE = '__Host-gw_refresh';

/** The part of a request context the cookie needs: what came in, and where outgoing cookies go. */
type CookieContext = {
  request: { origin: string | null; cookies: Readonly<Record<string, string | undefined>> };
  responseCookies: string[];
};

/** Tokens as the client receives them: no refresh token in the body in cookie mode. */
export type DeliveredTokens = Omit<IssuedTokens, 'refreshToken'> & { refreshToken?: string };

export type RefreshCookieOptions = { enabled: boolean; allowedOrigins: ReadonlySet<string> };

/**
 * Browser mode (AUTH_REFRESH_COOKIE=true): the refresh token travels in an
 * HttpOnly cookie instead of the response body, out of reach of scripts.
 */
export function createRefreshCookies(options: RefreshCookieOptions) {
  function setCookie(ctx: CookieContext, value: string, expires: Date) {
    ctx.responseCookies.push(
      serialize(REFRESH_COOKIE, value, { httpOnly: true, secure: true, sameSite: 'strict', path: '/', expires }),
    );
  }

  /** A cookie is sent by the browser whoever asked; only the allowed origins may make it count. */
  function assertAllowedOrigin(ctx: CookieContext) {
    const origin = ctx.request.origin;
    if (!origin || !options.allowedOrigins.has(origin)) {
      throw new AppError('FORBIDDEN', 'This origin may not use the session cookie');
    }
  }

  return {
    enabled: options.enabled,

    /** What the client receives: in cookie mode the refresh token is set as a cookie and left out of the body. */
    deliver(ctx: CookieContext, tokens: IssuedTokens): DeliveredTokens {
      if (!options.enabled) return tokens;
      setCookie(ctx, tokens.refreshToken, tokens.sessionExpiresAt);
      const { refreshToken: _inCookie, ...rest } = tokens;
      return rest;
    },

    /** The refresh token from the body, or (cookie mode, allowed origin) from the cookie. */
    read(ctx: CookieContext, fromBody: string | undefined): string {
      if (fromBody) return fromBody;
      const fromCookie = options.enabled ? ctx.request.cookies[REFRESH_COOKIE] : undefined;
      if (!fromCookie) throw new AppError('UNAUTHENTICATED', 'No refresh token presented');
      assertAllowedOrigin(ctx);
      return fromCookie;
    },

    clear(ctx: CookieContext) {
      if (options.enabled) setCookie(ctx, '', new Date(0));
    },
  };
}

export type RefreshCookies = ReturnType<typeof createRefreshCookies>;
