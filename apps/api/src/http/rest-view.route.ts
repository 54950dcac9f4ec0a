import type { RequestHandler } from 'express';
import type { CreateOpenApiExpressMiddlewareOptions, OpenApiRouter } from 'trpc-to-openapi';

import { onFirstUse } from './on-first-use.js';

/**
 * The REST view of the procedures (trpc-to-openapi and the body parsers it brings), loaded on the
 * first `/api` request rather than at start-up: TypeScript clients call `/trpc`, so most processes
 * never run it, and its code would stay in memory all the same (ADR 048). A module that cannot load
 * fails the request through the error handler, as a fault; the next request tries again.
 */
export function restView(options: CreateOpenApiExpressMiddlewareOptions<OpenApiRouter>): RequestHandler {
  const middleware = onFirstUse(async () => {
    const { createOpenApiExpressMiddleware } = await import('trpc-to-openapi');
    return createOpenApiExpressMiddleware(options);
  });
  return (req, res, next) => {
    middleware()
      .then((serve) => serve(req, res))
      .catch(next);
  };
}
