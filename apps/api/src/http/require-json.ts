import type { RequestHandler } from 'express';

import { requestIdOf } from './request-context.js';

/**
 * tRPC would also accept form and binary bodies; no procedure here takes
 * them, so anything but JSON is refused before parsing (a CSRF-style
 * "simple request" with text/plain or a form cannot reach a mutation).
 */
export const requireJsonBody: RequestHandler = (req, res, next) => {
  if (req.method !== 'POST' || req.is('application/json')) {
    next();
    return;
  }
  res.status(415).json({
    error: {
      code: 'UNSUPPORTED_MEDIA_TYPE',
      message: 'Send the request body as application/json',
      requestId: requestIdOf(req),
    },
  });
};
