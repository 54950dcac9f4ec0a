import { loadConfigOrExit } from '@groundwork/config';
import { createLogger, createShutdown, exitOnSignals, startTracing } from '@groundwork/core';
import { createDb, pingDatabase } from '@groundwork/db';
import { closeRedis, createFastFailRedis, createSubscriberRedis, pingRedis } from '@groundwork/queue';

import { createApp } from './app.js';
import { listen } from './server.js';
import { createServices } from './services.js';
import { readVersion } from './version.js';

const config = loadConfigOrExit();
const tracing = startTracing({ service: 'groundwork-api', ...config.tracing });
const logger = createLogger({ service: 'api', level: config.log.level });

const db = createDb({ ...config.db, applicationName: 'groundwork-api', logger });
const redis = createFastFailRedis(config.redis.url, logger, 'api');
const subscriber = createSubscriberRedis(config.redis.url, logger);
const services = await createServices({
  config,
  db,
  redis,
  subscriber,
  logger,
  version: readVersion(),
  startedAt: Date.now(),
});
// Subscribing waits for Redis; the API serves meanwhile (entitlements then only expire by TTL).
void services.start().catch((err: unknown) => logger.error({ err }, 'could not start background services'));

let draining = false;
const app = createApp({
  config,
  logger,
  services,
  readinessChecks: { postgres: () => pingDatabase(db), redis: () => pingRedis(redis) },
  isDraining: () => draining,
});

const server = await listen(app, config.http).catch((err: unknown) => {
  logger.fatal({ err, port: config.http.port }, 'could not listen');
  process.exit(1);
});
logger.info({ port: server.port, env: config.env }, 'api listening');

const shutdown = createShutdown({
  logger,
  timeoutMs: config.shutdown.timeoutMs,
  steps: [
    {
      name: 'http',
      run: () => {
        draining = true;
        // Most of the budget goes to in-flight requests; the rest closes the pools.
        return server.close(Math.floor(config.shutdown.timeoutMs * 0.8));
      },
    },
    { name: 'services', run: () => services.stop(), timeoutMs: 2_000 },
    { name: 'redis', run: () => Promise.all([closeRedis(redis, 1_000), closeRedis(subscriber, 1_000)]) },
    { name: 'postgres', run: () => db.destroy() },
    { name: 'tracing', run: () => tracing.shutdown(), timeoutMs: 2_000 },
  ],
});
exitOnSignals(shutdown, logger);
