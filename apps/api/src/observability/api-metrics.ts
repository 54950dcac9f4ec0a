import { Counter, createMetricsRegistry, Histogram } from '@groundwork/core';

/** What the API exports to Prometheus. */
export function createApiMetrics() {
  const registry = createMetricsRegistry('api');
  return {
    registry,
    procedureDuration: new Histogram({
      name: 'groundwork_trpc_procedure_duration_seconds',
      help: 'Duration of tRPC procedure calls, by procedure path and result code',
      labelNames: ['path', 'code'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    rateLimited: new Counter({
      name: 'groundwork_rate_limit_rejections_total',
      help: 'Procedure calls refused with TOO_MANY_REQUESTS, by procedure path',
      labelNames: ['path'] as const,
      registers: [registry],
    }),
    refreshReuse: new Counter({
      name: 'groundwork_refresh_token_reuse_total',
      help: 'Refresh tokens presented again after use (their session was revoked)',
      registers: [registry],
    }),
  };
}

export type ApiMetrics = ReturnType<typeof createApiMetrics>;
