import type { Clock } from '@groundwork/auth';
import type { Config } from '@groundwork/config';
import { createLogger } from '@groundwork/core';
import type { AnyRouter } from '@trpc/server';

import { createLogCapture } from '../../../../test/support/log-capture.js';
import { redisReady } from '../../../../test/support/redis-ready.js';
import { createApiRuntime } from '../runtime.js';
import { listen } from '../server.js';

/**
 * The real app (the same runtime as `main.ts`) on a real port (0: any free
 * one) with real PostgreSQL and Redis connections, logging into memory.
 */
export async function startTestApi(
  config: Config,
  options: { router?: AnyRouter; waitForRedis?: boolean; clock?: Clock; stockTrpcAdapter?: boolean } = {},
) {
  const logs = createLogCapture();
  const logger = createLogger({ service: 'api', level: 'debug' }, logs.stream);
  const runtime = createApiRuntime({
    config,
    logger,
    version: '0.0.0-test',
    ...(options.router ? { router: options.router } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.stockTrpcAdapter ? { stockTrpcAdapter: true } : {}),
  });
  // Tests that point Redis at a dead port must not wait here.
  if (options.waitForRedis ?? true) {
    await Promise.all([redisReady(runtime.redis), redisReady(runtime.queueRedis)]);
    await runtime.services.start();
  }
  const server = await listen(runtime.app, { host: '127.0.0.1', port: 0, keepAliveTimeoutMs: 5_000 });
  return {
    url: `http://127.0.0.1:${server.port}`,
    server,
    services: runtime.services,
    config,
    logs,
    logger,
    db: runtime.db,
    redis: runtime.redis,
    queueRedis: runtime.queueRedis,
    startDraining: runtime.startDraining,
    async close() {
      await server.close(1_000);
      for (const step of runtime.closeSteps()) await step.run().catch(() => undefined);
    },
  };
}

export type TestApi = Awaited<ReturnType<typeof startTestApi>>;
