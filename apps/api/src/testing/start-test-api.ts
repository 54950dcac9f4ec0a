import type { Config } from '@groundwork/config';
import { createLogger } from '@groundwork/core';
import { createDb, pingDatabase } from '@groundwork/db';
import { createFastFailRedis, createSubscriberRedis, pingRedis } from '@groundwork/queue';
import type { AnyRouter } from '@trpc/server';

import { createLogCapture } from '../../../../test/support/log-capture.js';
import { redisReady } from '../../../../test/support/redis-ready.js';
import { createApp } from '../app.js';
import { listen } from '../server.js';
import { createServices } from '../services.js';

/**
 * The real app on a real port (0: any free one) with real PostgreSQL and Redis
 * connections, logging into memory. Used by HTTP-level integration tests.
 */
export async function startTestApi(config: Config, options: { router?: AnyRouter; waitForRedis?: boolean } = {}) {
  const logs = createLogCapture();
  const logger = createLogger({ service: 'api', level: 'debug' }, logs.stream);
  const db = createDb({ ...config.db, logger });
  const redis = createFastFailRedis(config.redis.url, logger, 'api-test');
  // Tests that point Redis at a dead port must not wait here.
  if (options.waitForRedis ?? true) await redisReady(redis);
  const subscriber = createSubscriberRedis(config.redis.url, logger);
  const services = await createServices({
    config,
    db,
    redis,
    subscriber,
    logger,
    version: '0.0.0-test',
    startedAt: Date.now(),
  });
  if (options.waitForRedis ?? true) await services.start();
  let draining = false;
  const app = createApp({
    config,
    logger,
    services,
    readinessChecks: { postgres: () => pingDatabase(db), redis: () => pingRedis(redis) },
    isDraining: () => draining,
    ...(options.router ? { router: options.router } : {}),
  });
  const server = await listen(app, { host: '127.0.0.1', port: 0, keepAliveTimeoutMs: 5_000 });
  return {
    url: `http://127.0.0.1:${server.port}`,
    server,
    services,
    config,
    logs,
    db,
    redis,
    startDraining: () => {
      draining = true;
    },
    async close() {
      await server.close(1_000);
      await services.stop().catch(() => undefined);
      redis.disconnect();
      subscriber.disconnect();
      await db.destroy();
    },
  };
}

export type TestApi = Awaited<ReturnType<typeof startTestApi>>;
