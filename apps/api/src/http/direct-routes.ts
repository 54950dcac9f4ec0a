import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';

import type { ErrorRequestHandler, Express, Request, Response } from 'express';

/** A Connect-style step: Express's own middleware signature, without its router. */
export type Step = (req: Request, res: Response, next: (err?: unknown) => void) => void;

/** A route served before Express: the steps it needs, in order, then its handler. */
export type DirectRoute = {
  matches: (req: IncomingMessage) => boolean;
  steps: readonly Step[];
  /** A rejection goes to the error handler, as Express 5 does with an async handler. */
  handler: (req: Request, res: Response) => void | Promise<void>;
};

const SLASH = 0x2f;
const QUESTION_MARK = 0x3f;

function pathBoundaryAt(url: string, index: number): number {
  return index < url.length ? url.charCodeAt(index) : Number.NaN;
}

/**
 * True for the URLs Express's `app.use(prefix, …)` matches: the prefix itself, or followed by `/`
 * or a query, compared without case as Express does by default.
 */
export function underPrefix(url: string, prefix: string): boolean {
  if (url.length < prefix.length || url.slice(0, prefix.length).toLowerCase() !== prefix) return false;
  const next = pathBoundaryAt(url, prefix.length);
  return Number.isNaN(next) || next === SLASH || next === QUESTION_MARK;
}

/**
 * True for the URLs Express's `router.post(path, …)` matches: the path, with at most a trailing
 * slash, then nothing or a query, compared without case.
 */
export function atPath(url: string, path: string): boolean {
  if (url.length < path.length || url.slice(0, path.length).toLowerCase() !== path) return false;
  let next = pathBoundaryAt(url, path.length);
  if (next === SLASH) next = pathBoundaryAt(url, path.length + 1);
  return Number.isNaN(next) || next === QUESTION_MARK;
}

/**
 * Serves the hot routes straight from `node:http` and hands every other request to the Express app
 * (ADR 040). Express's router walk (its layers, path matching, `query` parsing) cost the hot path
 * more than the routes it skipped. A direct route runs the same middleware functions in the same
 * order as Express would, and its request and response get Express's prototypes (as `app.handle`
 * gives them), so `req.ip` honours `trust proxy` and `req.is`, `res.json` behave as on every
 * other route. An error passed to `next` or thrown goes to the same error handler.
 */
export function serveDirectRoutesFirst(options: {
  app: Express;
  routes: readonly DirectRoute[];
  onError: ErrorRequestHandler;
}): RequestListener {
  const { app, routes, onError } = options;

  function serve(route: DirectRoute, req: Request, res: Response): void {
    const fail = (err: unknown) => onError(err, req, res, () => undefined);
    let index = 0;
    const next = (err?: unknown): void => {
      if (err) {
        fail(err);
        return;
      }
      const step = route.steps[index++];
      try {
        if (step) step(req, res, next);
        else void route.handler(req, res)?.catch(fail);
      } catch (thrown) {
        fail(thrown);
      }
    };
    next();
  }

  return function dispatch(incoming: IncomingMessage, outgoing: ServerResponse): void {
    const route = routes.find((candidate) => candidate.matches(incoming));
    if (!route) {
      app(incoming, outgoing);
      return;
    }
    const req = Object.setPrototypeOf(incoming, app.request) as Request;
    const res = Object.setPrototypeOf(outgoing, app.response) as Response;
    req.res = res;
    res.req = req;
    res.locals = Object.create(null) as Record<string, unknown>;
    serve(route, req, res);
  };
}

/** The procedure path under a mount point, as tRPC's stock Express adapter reads it (see `trpcRoute`). */
export function procedurePathOf(url: string, mount: string): string {
  const query = url.indexOf('?');
  const path = (query === -1 ? url : url.slice(0, query)).slice(mount.length);
  return path.slice(path.lastIndexOf('/') + 1);
}
