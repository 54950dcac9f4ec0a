import type { ErrorRequestHandler, RequestHandler } from 'express';

import { requestIdOf, requestLog } from './request-context.js';

type HttpError = Error & { status?: number; statusCode?: number; expose?: boolean };

/** Unknown routes answer in JSON like everything else, not with Express's HTML page. */
export const notFoundHandler: RequestHandler = (_req, res) => {
  res.status(404).json({ error: { code: 'NOT_FOUND', message: 'Not found' } });
};

/**
 * Last resort for errors outside tRPC (body parsers, health routes). Client
 * errors keep their short message; anything else is logged and answered generically.
 */
// Express recognises an error handler by its four parameters.
// eslint-disable-next-line max-params
export const errorHandler: ErrorRequestHandler = (err: HttpError, req, res, _next) => {
  const status = err.status ?? err.statusCode ?? 500;
  if (status >= 500) requestLog(req).error({ err }, 'request failed');
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const isClientError = status >= 400 && status < 500 && err.expose !== false;
  res.status(isClientError ? status : 500).json({
    error: {
      code: isClientError ? 'BAD_REQUEST' : 'INTERNAL_SERVER_ERROR',
      message: isClientError ? err.message : 'Internal server error',
      requestId: requestIdOf(req),
    },
  });
};
