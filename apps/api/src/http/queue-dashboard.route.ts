import { timingSafeEqual } from 'node:crypto';

import type { Queue } from 'bullmq';
import { type Express, type RequestHandler, Router } from 'express';

export const QUEUE_DASHBOARD_PATH = '/admin/queues';

function sameSecret(presented: string, expected: string): boolean {
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** HTTP Basic credentials from configuration; anything else gets 401 and a login prompt. */
function requireOperator(credentials: { username: string; password: string }): RequestHandler {
  return (req, res, next) => {
    const [scheme, encoded] = (req.headers.authorization ?? '').split(' ');
    const [username = '', password = ''] = Buffer.from(encoded ?? '', 'base64')
      .toString('utf8')
      .split(/:(.*)/s);
    const valid =
      scheme === 'Basic' && sameSecret(username, credentials.username) && sameSecret(password, credentials.password);
    if (valid) {
      next();
      return;
    }
    res
      .status(401)
      .set('www-authenticate', 'Basic realm="groundwork-operators", charset="UTF-8"')
      .send('Operator credentials required');
  };
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Refuses state-changing requests a browser sent on behalf of another site:
 * Basic credentials are replayed by the browser automatically, and a
 * `text/plain` POST needs no CORS preflight. Browsers send `Sec-Fetch-Site`
 * (or at least `Origin`) on such requests; a request with neither comes from
 * a non-browser client (curl, scripts), which no other site can drive.
 */
const refuseCrossSiteWrites: RequestHandler = (req, res, next) => {
  const site = req.headers['sec-fetch-site'];
  const origin = req.headers.origin;
  const sameSite =
    site !== undefined
      ? site === 'same-origin' || site === 'none'
      : origin === undefined || origin === `${req.protocol}://${req.get('host') ?? ''}`;
  if (SAFE_METHODS.has(req.method) || sameSite) {
    next();
    return;
  }
  res
    .status(403)
    .json({ error: { code: 'FORBIDDEN', message: 'Cross-site requests to the queue dashboard are refused' } });
};

/**
 * bull-board, loaded on the first operator request rather than at start-up: it
 * brings an Express and a BullMQ of its own (about a quarter of a second of
 * module loading), which no API call needs.
 */
async function createDashboard(queues: Queue[]): Promise<Express> {
  const [{ createBullBoard }, { BullMQAdapter }, { ExpressAdapter }] = await Promise.all([
    import('@bull-board/api'),
    import('@bull-board/api/bullMQAdapter'),
    import('@bull-board/express'),
  ]);
  const adapter = new ExpressAdapter();
  adapter.setBasePath(QUEUE_DASHBOARD_PATH);
  createBullBoard({ queues: queues.map((queue) => new BullMQAdapter(queue)), serverAdapter: adapter });
  // bull-board mounts an Express app of its own, which would add X-Powered-By back after helmet removed it.
  const dashboard = adapter.getRouter() as Express;
  dashboard.disable('x-powered-by');
  return dashboard;
}

/**
 * bull-board at /admin/queues for operators: every queue's waiting, active,
 * delayed, completed and failed (dead-letter) jobs, with retry from the UI.
 * Off unless ADMIN_USERNAME and ADMIN_PASSWORD are configured.
 */
export function queueDashboardRoutes(options: {
  queues: Queue[];
  credentials: { username: string; password: string } | null;
}): Router {
  const routes = Router();
  if (!options.credentials) return routes;
  let dashboard: Promise<Express> | null = null;
  const serveDashboard: RequestHandler = (req, res, next) => {
    dashboard ??= createDashboard(options.queues);
    dashboard.then((app) => app(req, res, next), next);
  };
  routes.use(QUEUE_DASHBOARD_PATH, refuseCrossSiteWrites, requireOperator(options.credentials), serveDashboard);
  return routes;
}
