import { timingSafeEqual } from 'node:crypto';

import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import { type RequestHandler, Router } from 'express';

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
  const adapter = new ExpressAdapter();
  adapter.setBasePath(QUEUE_DASHBOARD_PATH);
  createBullBoard({ queues: options.queues.map((queue) => new BullMQAdapter(queue)), serverAdapter: adapter });
  routes.use(QUEUE_DASHBOARD_PATH, requireOperator(options.credentials), adapter.getRouter() as RequestHandler);
  return routes;
}
