import { createBillingFromSettings } from '@groundwork/billing';
import { loadConfigOrExit } from '@groundwork/config';
import { createLogger } from '@groundwork/core';
import { createDb } from '@groundwork/db';
import { createFastFailRedis } from '@groundwork/queue';

/** Billing for a one-off command: the same wiring as the worker, torn down by `close`. */
export function startBillingRuntime() {
  const config = loadConfigOrExit();
  const logger = createLogger({
    service: 'billing-cli',
    pretty: config.log.pretty,
    level: config.log.level === 'info' ? 'warn' : config.log.level,
  });
  const db = createDb({ ...config.db, applicationName: 'groundwork-cli', logger });
  const redis = createFastFailRedis(config.redis.url, logger, 'cli');
  const billing = createBillingFromSettings({
    settings: config.billing,
    db,
    redis,
    keyPrefix: config.redis.keyPrefix,
    logger,
  });
  return {
    billing,
    db,
    async close() {
      redis.disconnect();
      await db.destroy();
    },
  };
}
