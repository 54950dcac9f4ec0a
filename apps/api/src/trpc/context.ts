import type { Logger } from '@groundwork/core';
import type { CreateExpressContextOptions } from '@trpc/server/adapters/express';

import type { Services } from '../services.js';

import { requestIdOf } from '../http/request-context.js';

/** Who is calling. Filled in from a verified access token once accounts exist; null means anonymous. */
export type Session = { userId: string; sessionId: string };

export type ContextInner = {
  session: Session | null;
  services: Services;
  logger: Logger;
  requestId: string;
  /** Development only: the error formatter may show internal messages and stacks. */
  exposeErrorDetails: boolean;
};

/** Request-free context: what tests and server-side callers build directly. */
export function createContextInner(inner: ContextInner): ContextInner {
  return inner;
}

export type Context = ContextInner;

/**
 * Per-request context for the HTTP adapter. Reads nothing but what the request
 * carries; services are built once at start-up and shared.
 */
export function createContextFactory(options: { services: Services; exposeErrorDetails: boolean }) {
  return function createContext({ req }: CreateExpressContextOptions): Context {
    return createContextInner({
      session: null,
      services: options.services,
      logger: req.log,
      requestId: requestIdOf(req),
      exposeErrorDetails: options.exposeErrorDetails,
    });
  };
}
