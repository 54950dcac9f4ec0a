import type { IssuedTokens } from '@groundwork/auth';

import { middleware } from '../../trpc/t.js';

/**
 * The refresh cookie's delivery, as tRPC middlewares around the auth
 * procedures: the use cases return tokens and know nothing of cookies, and
 * these move the refresh token between the body and the cookie (browser mode).
 * Set-Cookie values go to `ctx.responseCookies`, which the HTTP adapter sends.
 */

/**
 * After a call that issued tokens (the result itself, or its `tokens` field):
 * in cookie mode, sets the refresh cookie and leaves the token out of the body.
 */
export const deliverRefreshCookie = (at: 'result' | 'tokens' = 'result') =>
  middleware(async function deliverRefreshCookie({ ctx, next }) {
    const result = await next();
    if (!result.ok || !ctx.services.refreshCookies.enabled) return result;
    // The procedure's output schema, which this wraps, has checked the shape.
    const data = result.data as ({ tokens: IssuedTokens } & IssuedTokens) | { mfaRequired: true };
    // A login that stopped at the MFA challenge issued no tokens yet.
    if ('mfaRequired' in data) return result;
    const { body, setCookie } = ctx.services.refreshCookies.deliver(at === 'tokens' ? data.tokens : data);
    if (setCookie) ctx.responseCookies.push(setCookie);
    return { ...result, data: at === 'tokens' ? { ...data, tokens: body } : body };
  });

/** Adds `ctx.refreshToken`: from the body, or in cookie mode from the cookie (allowed origins only). */
export const presentedRefreshToken = middleware(async function presentedRefreshToken({ ctx, input, next }) {
  // Used after `.input(refreshInput)`, which parsed it.
  const fromBody = (input as { refreshToken?: string } | undefined)?.refreshToken;
  return next({ ctx: { refreshToken: ctx.services.refreshCookies.read(ctx.request, fromBody) } });
});

/** After a call that ended the session: in cookie mode, clears the refresh cookie. */
export const clearRefreshCookie = middleware(async function clearRefreshCookie({ ctx, next }) {
  const result = await next();
  const clearing = ctx.services.refreshCookies.clearing();
  if (result.ok && clearing) ctx.responseCookies.push(clearing);
  return result;
});
