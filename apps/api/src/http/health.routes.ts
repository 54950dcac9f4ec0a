import { type BackgroundChecks, createReadinessProbe, type DependencyCheck, type Logger } from '@groundwork/core';
import { Router } from 'express';

export type HealthOptions = {
  checks: Record<string, DependencyCheck>;
  background?: BackgroundChecks;
  timeoutMs: number;
  logger: Logger;
  isDraining: () => boolean;
};

/**
 * `/health`: liveness, no I/O: the process is up and its event loop turns.
 * `/ready`: every dependency answers, the database has every migration the
 * code expects, and the process is not shutting down. Stripe's state is
 * reported but never fails it (ADR 009).
 */
export function healthRoutes(options: HealthOptions): Router {
  const probe = createReadinessProbe(options.checks, options);
  const routes = Router();
  routes.get('/health', (_req, res) => {
    res.set('cache-control', 'no-store').json({ status: 'ok' });
  });
  routes.get('/ready', async (_req, res) => {
    res.set('cache-control', 'no-store');
    if (options.isDraining()) {
      res.status(503).json({ status: 'draining', checks: {} });
      return;
    }
    const report = await probe();
    res.status(report.ok ? 200 : 503).json({ status: report.ok ? 'ready' : 'unavailable', checks: report.checks });
  });
  return routes;
}
