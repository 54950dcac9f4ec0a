import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import type { Logger } from '@groundwork/core';
import { pinoHttp } from 'pino-http';

/** An incoming id is kept only if it is short and plain, so it cannot forge or flood log lines. */
const ACCEPTABLE_REQUEST_ID = /^[\w.:-]{1,128}$/;

export const REQUEST_ID_HEADER = 'x-request-id';

/** The id `requestContext` gave this request. */
export function requestIdOf(req: IncomingMessage): string {
  return typeof req.id === 'string' ? req.id : '';
}

export function requestIdFor(req: IncomingMessage): string {
  const incoming = req.headers[REQUEST_ID_HEADER];
  return typeof incoming === 'string' && ACCEPTABLE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

/**
 * Gives every request an id (the caller's `x-request-id` when acceptable),
 * echoes it in the response, and logs one JSON line per request with it.
 * Probes are not logged: a load balancer would drown everything else.
 */
export function requestContext(logger: Logger) {
  return pinoHttp({
    logger,
    genReqId(req: IncomingMessage, res: ServerResponse) {
      const id = requestIdFor(req);
      res.setHeader(REQUEST_ID_HEADER, id);
      return id;
    },
    customProps: (req) => ({ reqId: req.id }),
    autoLogging: { ignore: (req) => req.url === '/health' || req.url === '/ready' },
    customLogLevel(_req, res, err) {
      if (err || res.statusCode >= 500) return 'error';
      return res.statusCode >= 400 ? 'warn' : 'info';
    },
    serializers: {
      // The path only: tRPC GET inputs travel in the query string and may be personal data.
      req: (req: { method: string; url: string }) => ({ method: req.method, path: req.url.split('?', 1)[0] }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  });
}
