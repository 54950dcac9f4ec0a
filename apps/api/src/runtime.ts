import type { Config } from '@groundwork/config';
import type { Logger, ShutdownStep } from '@groundwork/core';
import { createDb, pingDatabase } from '@groundwork/db';
import { closeRedis, createFastFailRedis, createSubscriberRedis, pingRedis } from '@groundwork/queue';
import type { AnyRouter } from '@trpc/server';

import { createApp } from './app.js';
import { createServices } from './services.js';

/**
 * The API's connections, services and Express app, wired once for `main.ts`
 * and for the tests, so both run the same composition. It neither listens
 * nor handles signals.
 */
export function createApiRuntime(options: { config: Config; logger: Logger; version: string; router?: AnyRouter }) {
  const { config, logger } = options;
  const db = createDb({ ...config.db, applicationName: 'groundwork-api', logger });
  const redis = createFastFailRedis(config.redis.url, logger, 'api');
  const subscriber = createSubscriberRedis(config.redis.url, logger);
  const services = createServices({
    config,
    db,
    redis,
    subscriber,
    logger,
    version: options.version,
    startedAt: Date.now(),
  });
  let draining = false;
  const app = createApp({
    config,
    logger,
    services,
    readinessChecks: { postgres: () => pingDatabase(db), redis: () => pingRedis(redis) },
    isDraining: () => draining,
    ...(options.router ? { router: options.router } : {}),
  });
  return {
    app,
    db,
    redis,
    services,
    /** From now on /ready fails and responses ask clients to close the connection. */
    startDraining: () => {
      draining = true;
    },
    /** What shutdown closes after the HTTP server, in order. */
    closeSteps: (): ShutdownStep[] => [
      { name: 'services', run: () => services.stop(), timeoutMs: 2_000 },
      { name: 'redis', run: () => Promise.all([closeRedis(redis, 1_000), closeRedis(subscriber, 1_000)]) },
      { name: 'postgres', run: () => db.destroy() },
    ],
  };
}

export type ApiRuntime = ReturnType<typeof createApiRuntime>;
