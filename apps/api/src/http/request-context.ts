import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import type { Logger } from '@groundwork/core';

declare module 'http' {
  // Augmenting a module's type needs an interface.
  // eslint-disable-next-line @typescript-eslint/consistent-type-definitions
  interface IncomingMessage {
    /** The request id `requestContext` gave this request. */
    id: string;
    /** What `requestLog(req)` needs to make this request's logger, once something logs. */
    logBinding?: RequestLogBinding;
  }
}

/** An incoming id is kept only if it is short and plain, so it cannot forge or flood log lines. */
const ACCEPTABLE_REQUEST_ID = /^[\w.:-]{1,128}$/;

export const REQUEST_ID_HEADER = 'x-request-id';

/** Probes are not logged: a load balancer would drown everything else. */
const UNLOGGED_URLS = new Set(['/health', '/ready']);

/** The id `requestContext` gave this request. */
export function requestIdOf(req: IncomingMessage): string {
  return typeof req.id === 'string' ? req.id : '';
}

export function requestIdFor(req: IncomingMessage): string {
  const incoming = req.headers[REQUEST_ID_HEADER];
  return typeof incoming === 'string' && ACCEPTABLE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

type RequestLogBinding = {
  base: Logger;
  bindings: { req: { method: string | undefined; path: string }; reqId: string };
  startedAt: number;
  child?: Logger;
};

/**
 * The logger bound to this request: every line carries the request id, method and path. Made on
 * first use: most requests log nothing but their access line, which `requestContext` writes
 * without one.
 */
export function requestLog(req: IncomingMessage): Logger {
  const binding = req.logBinding;
  if (!binding)
    throw new Error(
      'requestLog: the request did not pass requestContext; mount requestContext(logger) before this handler',
    );
  binding.child ??= binding.base.child(binding.bindings);
  return binding.child;
}

/**
 * The line pino-http wrote, with its levels and messages; 5xx responses carry an error, as before.
 * Written by a logger without redaction: every field here is one we set (method, path, id, status,
 * time), none under a key the redaction paths name, and checking them against those paths cost
 * more than writing the line (ADR 046).
 */
function logCompletion(access: Logger, binding: RequestLogBinding, res: ServerResponse): void {
  const responseTime = Date.now() - binding.startedAt;
  const fields = { ...binding.bindings, res: { statusCode: res.statusCode }, responseTime };
  if (res.statusCode >= 500) {
    access.error({ ...fields, err: new Error(`failed with status code ${res.statusCode}`) }, 'request errored');
    return;
  }
  const level = res.statusCode >= 400 ? 'warn' : 'info';
  access[level](fields, res.writableFinished ? 'request completed' : 'request aborted');
}

/**
 * Gives every request an id (the caller's `x-request-id` when acceptable),
 * echoes it in the response, binds a logger to it (`requestLog`), and logs one
 * JSON line per request when its response is done.
 *
 * The same lines pino-http wrote, at a fraction of its per-request cost (it
 * made two child loggers and wrapped the request for its serializers, and
 * listened for two events): one listener, and a child logger only for a
 * request that logs more than its access line (ADRs 018, 046).
 */
export function requestContext(logger: Logger) {
  const access = logger.child({}, { redact: [] });
  return function requestContext(req: IncomingMessage, res: ServerResponse, next: () => void): void {
    const id = requestIdFor(req);
    res.setHeader(REQUEST_ID_HEADER, id);
    req.id = id;
    const url = req.url ?? '';
    const query = url.indexOf('?');
    // The path only: tRPC GET inputs travel in the query string and may be personal data.
    const binding: RequestLogBinding = {
      base: logger,
      bindings: { req: { method: req.method, path: query === -1 ? url : url.slice(0, query) }, reqId: id },
      startedAt: Date.now(),
    };
    req.logBinding = binding;
    if (!UNLOGGED_URLS.has(url)) {
      // 'close' comes once per response, after 'finish' when it was sent, alone when the client went away.
      res.once('close', () => logCompletion(access, binding, res));
    }
    next();
  };
}
