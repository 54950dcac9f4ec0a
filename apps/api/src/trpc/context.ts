import type { RequestMeta, Session } from '@groundwork/auth';
import type { Logger } from '@groundwork/core';
import type { CreateExpressContextOptions } from '@trpc/server/adapters/express';
import { parse as parseCookies } from 'cookie';

import { type ApiKeyPrincipal, looksLikeApiKey } from '../features/api-keys/api-keys.public.js';
import type { Admission } from '../rate-limit/request-admission.js';
import { clientGoneSignal } from '../http/client-gone.js';
import { requestIdOf, requestLog } from '../http/request-context.js';
import type { Services } from '../services.js';

export type { Session } from '@groundwork/auth';

/** What procedures may know about the HTTP request, without touching Express. */
export type RequestInfo = RequestMeta & {
  origin: string | null;
  cookies: Readonly<Record<string, string | undefined>>;
  /**
   * Bound to this request: every line carries its id, method and path. Here rather than at the
   * context's top level because tRPC spreads the context at each middleware, which would make
   * this logger (made on first use, ADR 046) on every call.
   */
  logger: Logger;
};

export type ContextInner = {
  session: Session | null;
  /**
   * Set instead of `session` when the request carries an organization API key: a principal
   * of its own, which only procedures that accept keys let through (ADR 025).
   */
  apiKey?: ApiKeyPrincipal | null;
  services: Services;
  request: RequestInfo;
  /** Set-Cookie values a procedure wants sent; the adapter adds them to the response. */
  responseCookies: string[];
  /** Development only: the error formatter may show internal messages and stacks. */
  exposeErrorDetails: boolean;
  /**
   * The default limit's verdict for this HTTP request's calls, read with the session's
   * revocation marker in one Redis round trip; absent for server-side callers and tests,
   * whose calls are then counted one by one.
   */
  admission?: Admission & { used: number };
};

/** Request-free context: what tests and server-side callers build directly. */
export function createContextInner(
  inner: Omit<ContextInner, 'responseCookies'> & { responseCookies?: string[] },
): ContextInner {
  return { ...inner, responseCookies: inner.responseCookies ?? [] };
}

export type Context = ContextInner;

const BEARER = /^Bearer ([A-Za-z0-9_.-]+)$/;

/**
 * Per-request context for the HTTP adapter. The access token is taken only
 * (or an organization API key) is taken only from `Authorization: Bearer` and checked once
 * per HTTP request (a batch shares it); an invalid, expired or revoked one means anonymous.
 */
export function createContextFactory(options: { services: Services; exposeErrorDetails: boolean }) {
  const { auth, requestAdmission } = options.services;
  return async function createContext({ req, res, info }: CreateExpressContextOptions): Promise<Context> {
    const bearer = BEARER.exec(req.headers.authorization ?? '')?.[1];
    // From the per-instance cache in the steady state: no I/O before the admission's round trip.
    const apiKey = bearer && looksLikeApiKey(bearer) ? await options.services.apiKeys.authenticate(bearer) : null;
    const claims = bearer && !looksLikeApiKey(bearer) ? auth.verifyAccessToken(bearer) : null;
    const ip = req.ip ?? 'unknown';
    // The REST adapter may not say how many calls there are: it makes one per request.
    const calls = (info as Partial<typeof info> | undefined)?.calls?.length ?? 1;
    const admission = await requestAdmission.admit({
      ip,
      calls,
      sessionId: claims?.sid ?? null,
      apiKeyId: apiKey?.apiKeyId ?? null,
    });
    return createContextInner({
      session: claims ? await auth.sessionFor(claims, admission.revocation) : null,
      apiKey,
      admission: { ...admission, used: 0 },
      services: options.services,
      request: {
        ip,
        userAgent: req.headers['user-agent']?.slice(0, 512) ?? null,
        requestId: requestIdOf(req),
        origin: req.headers.origin ?? null,
        // Made only when a procedure asks (before hashing a password), not on every request.
        get signal() {
          return clientGoneSignal(res);
        },
        // Parsed only when a procedure reads them (the refresh cookie), not on every request.
        get cookies() {
          return req.headers.cookie ? parseCookies(req.headers.cookie) : {};
        },
        // Made only when something logs for this request, not on every request (ADR 046).
        get logger() {
          return requestLog(req);
        },
      },
      exposeErrorDetails: options.exposeErrorDetails,
    });
  };
}
