import { createServer, type Server } from 'node:http';

import {
  type BackgroundChecks,
  createReadinessProbe,
  type DependencyCheck,
  type Logger,
  type metricsAccess,
  type Registry,
} from '@groundwork/core';

/**
 * The worker's own `/health` (liveness) and `/ready` (dependencies) for
 * orchestrators; it serves nothing else.
 */
export function createHealthServer(options: {
  checks: Record<string, DependencyCheck>;
  /** Checks `/ready` reads but never runs (migrations, Stripe). */
  background?: BackgroundChecks;
  timeoutMs: number;
  logger: Logger;
  isDraining: () => boolean;
  /** GET /metrics (Prometheus text) for callers that `metrics.allows`. */
  metrics?: { registry: Registry; access: ReturnType<typeof metricsAccess> };
}): Server {
  const probe = createReadinessProbe(options.checks, options);
  return createServer((req, res) => {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'GET') return reply(405, { status: 'method not allowed' });
    const metrics = options.metrics;
    if (req.url === '/metrics' && metrics?.access.enabled) {
      if (!metrics.access.allows(req.headers.authorization)) return reply(401, { status: 'unauthorized' });
      void metrics.registry.metrics().then((text) => {
        res.writeHead(200, { 'content-type': metrics.registry.contentType, 'cache-control': 'no-store' });
        res.end(text);
      });
      return;
    }
    if (req.url === '/health') return reply(200, { status: 'ok' });
    if (req.url !== '/ready') return reply(404, { status: 'not found' });
    if (options.isDraining()) return reply(503, { status: 'draining', checks: {} });
    void probe().then((report) =>
      reply(report.ok ? 200 : 503, { status: report.ok ? 'ready' : 'unavailable', checks: report.checks }),
    );
  });
}
