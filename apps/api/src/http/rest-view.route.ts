import type { RequestHandler } from 'express';
import type { CreateOpenApiExpressMiddlewareOptions, OpenApiRouter } from 'trpc-to-openapi';

/**
 * The REST view of the procedures (trpc-to-openapi and the body parsers it brings), loaded on the
 * first `/api` request rather than at start-up: TypeScript clients call `/trpc`, so most processes
 * never run it, and its code would stay in memory all the same (ADR 048). A module that cannot load
 * fails the request through the error handler, as a fault; the next request tries again.
 */
export function restView(options: CreateOpenApiExpressMiddlewareOptions<OpenApiRouter>): RequestHandler {
  let middleware:
    Promise<(req: Parameters<RequestHandler>[0], res: Parameters<RequestHandler>[1]) => Promise<void>> | undefined;
  return (req, res, next) => {
    middleware ??= import('trpc-to-openapi').then(
      ({ createOpenApiExpressMiddleware }) => createOpenApiExpressMiddleware(options),
      (error: unknown) => {
        middleware = undefined;
        throw error;
      },
    );
    middleware.then((serve) => serve(req, res)).catch(next);
  };
}
