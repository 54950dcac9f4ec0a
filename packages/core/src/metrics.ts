import { timingSafeEqual } from 'node:crypto';

import { collectDefaultMetrics, Registry } from 'prom-client';

export { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** A registry for one process, with Node's default process metrics (CPU, memory, event-loop lag). */
export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}

/**
 * Who may read /metrics: only a caller presenting the configured token (a
 * scraper's bearer token). Without a token configured, nobody (the endpoint
 * answers 404), so metrics are never public by accident.
 */
export function metricsAccess(token: string | null) {
  const expected = token ? Buffer.from(`Bearer ${token}`) : null;
  return {
    enabled: expected !== null,
    allows(authorization: string | undefined): boolean {
      if (!expected || !authorization) return false;
      const presented = Buffer.from(authorization);
      return presented.length === expected.length && timingSafeEqual(presented, expected);
    },
  };
}
