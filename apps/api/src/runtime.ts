import type { Clock } from '@groundwork/auth';
import type { Config } from '@groundwork/config';
import { type Logger, type ShutdownStep, startBackgroundChecks } from '@groundwork/core';
import { createDb, migrationsCheck, pingDatabase } from '@groundwork/db';
import { EMAIL_DELIVERY_DISABLED_WARNING } from '@groundwork/email';
import { closeRedis, createFastFailRedis, createSubscriberRedis, pingRedis } from '@groundwork/queue';
import type { AnyRouter } from '@trpc/server';

import { createApp } from './app.js';
import { createServices } from './services.js';

/**
 * The API's connections, services and Express app, wired once for `main.ts`
 * and for the tests, so both run the same composition. It neither listens
 * nor handles signals.
 */
export function createApiRuntime(options: {
  config: Config;
  logger: Logger;
  version: string;
  router?: AnyRouter;
  /** Tests only: `/trpc` through tRPC's stock Express adapter (see `createApp`). */
  stockTrpcAdapter?: boolean;
  /** Tests only: the clock the auth use cases read (TOTP steps, challenge and step-up expiry). */
  clock?: Clock;
}) {
  const { config, logger } = options;
  // Said once at every start: the verified-address policy is off and invitations return their links (ADR 029).
  if (!config.email.enabled) logger.warn({ emailDelivery: 'disabled' }, EMAIL_DELIVERY_DISABLED_WARNING);
  const db = createDb({ ...config.db, applicationName: 'groundwork-api', logger });
  // Rate limits, revocation and caches: what every request asks, pipelined across requests (ADR 047).
  const redis = createFastFailRedis(config.redis, logger, { role: 'api', autoPipelining: true });
  // BullMQ's producers, on a connection of their own without auto-pipelining.
  const queueRedis = createFastFailRedis(config.redis, logger, { role: 'api-queues' });
  const subscriber = createSubscriberRedis(config.redis, logger);
  const services = createServices({
    config,
    db,
    redis,
    queueRedis,
    subscriber,
    logger,
    version: options.version,
    startedAt: Date.now(),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  // Read by /ready, evaluated on timers: the probe itself never queries migrations or calls Stripe.
  const backgroundChecks = startBackgroundChecks(
    {
      migrations: migrationsCheck(db, {
        directory: config.db.migrationsDirectory,
        intervalMs: config.health.migrationCheckIntervalMs,
      }),
      stripe: services.billing.healthCheck(config.health.stripeIntervalMs),
    },
    { timeoutMs: config.health.checkTimeoutMs, logger },
  );
  let draining = false;
  const app = createApp({
    config,
    logger,
    services,
    readinessChecks: {
      postgres: () => pingDatabase(db),
      // Both connections that serve requests: the request path's and the queues' (ADR 047).
      redis: async () => {
        await Promise.all([pingRedis(redis), pingRedis(queueRedis)]);
      },
    },
    backgroundChecks,
    isDraining: () => draining,
    ...(options.router ? { router: options.router } : {}),
    ...(options.stockTrpcAdapter ? { stockTrpcAdapter: true } : {}),
  });
  return {
    app,
    db,
    redis,
    queueRedis,
    services,
    /** From now on /ready fails and responses ask clients to close the connection. */
    startDraining: () => {
      draining = true;
    },
    /** What shutdown closes after the HTTP server, in order. */
    closeSteps: (): ShutdownStep[] => [
      {
        name: 'readiness checks',
        run: () => {
          backgroundChecks.stop();
          return Promise.resolve();
        },
      },
      { name: 'services', run: () => services.stop(), timeoutMs: 2_000 },
      {
        name: 'redis',
        run: () => Promise.all([redis, queueRedis, subscriber].map((client) => closeRedis(client, 1_000))),
      },
      { name: 'postgres', run: () => db.destroy() },
    ],
  };
}

export type ApiRuntime = ReturnType<typeof createApiRuntime>;
