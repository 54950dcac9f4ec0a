import type { RequestHandler } from 'express';
import type { CreateOpenApiExpressMiddlewareOptions, OpenApiRouter } from 'trpc-to-openapi';

/**
 * The REST view of the procedures (trpc-to-openapi and the body parsers it brings), loaded on the
 * first `/api` request rather than at start-up: TypeScript clients call `/trpc`, so most processes
 * never run it, and its code would stay in memory all the same (ADR 048). A module that cannot load
 * fails that request and every later one through the error handler, as a fault.
 */
export function restView(options: CreateOpenApiExpressMiddlewareOptions<OpenApiRouter>): RequestHandler {
  let middleware: Promise<(req: Parameters<RequestHandler>[0], res: Parameters<RequestHandler>[1]) => Promise<void>>;
  return (req, res, next) => {
    middleware ??= import('trpc-to-openapi').then(({ createOpenApiExpressMiddleware }) =>
      createOpenApiExpressMiddleware(options),
    );
    middleware.then((serve) => serve(req, res)).catch(next);
  };
}
