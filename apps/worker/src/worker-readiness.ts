import type { Config } from '@groundwork/config';
import { type BackgroundCheck, type Logger, startBackgroundChecks } from '@groundwork/core';
import { type Knex, migrationsCheck, pingDatabase } from '@groundwork/db';
import { pingRedis } from '@groundwork/queue';
import type { RedisClient } from '@groundwork/queue';

/**
 * What the worker's `/ready` checks: PostgreSQL and Redis on each probe, and
 * in the background the migrations (gating: jobs must not run against a
 * schema the code does not know) and Stripe (reported only). The same set as
 * the API's, so one look at either process tells the same story.
 */
export function createWorkerReadiness(deps: {
  config: Config;
  db: Knex;
  redis: RedisClient;
  billing: { healthCheck: (intervalMs: number) => BackgroundCheck };
  logger: Logger;
}) {
  const { config, db, redis } = deps;
  return {
    checks: { postgres: () => pingDatabase(db), redis: () => pingRedis(redis) },
    background: startBackgroundChecks(
      {
        migrations: migrationsCheck(db, {
          directory: config.db.migrationsDirectory,
          intervalMs: config.health.migrationCheckIntervalMs,
        }),
        stripe: deps.billing.healthCheck(config.health.stripeIntervalMs),
      },
      { timeoutMs: config.health.checkTimeoutMs, logger: deps.logger },
    ),
  };
}
