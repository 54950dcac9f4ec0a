import { withTimeout } from '@groundwork/core';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';

function withErrorLogging(client: Redis, logger: Logger, role: string): Redis {
  // Without a listener ioredis prints every reconnect failure as an unhandled error event.
  client.on('error', (err) => logger.warn({ err, redis: role }, 'redis connection error'));
  return client;
}

/**
 * For request paths and producers: a command fails at once while Redis is
 * unreachable instead of queueing in memory and hanging the caller.
 */
export function createFastFailRedis(url: string, logger: Logger, role = 'client'): Redis {
  return withErrorLogging(
    new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectionName: `groundwork-${role}` }),
    logger,
    role,
  );
}

/** For BullMQ workers, which block on Redis and must wait through outages rather than fail. */
export function createWorkerRedis(url: string, logger: Logger): Redis {
  return withErrorLogging(
    new Redis(url, { maxRetriesPerRequest: null, connectionName: 'groundwork-worker' }),
    logger,
    'worker',
  );
}

/** For pub/sub subscribers: waits through outages and re-subscribes on reconnect. */
export function createSubscriberRedis(url: string, logger: Logger): Redis {
  return withErrorLogging(
    new Redis(url, { connectionName: 'groundwork-subscriber', autoResubscribe: true }),
    logger,
    'subscriber',
  );
}

/** BullMQ's key prefix for this deployment, beside the app's own keys. */
export const bullPrefix = (keyPrefix: string) => `${keyPrefix}:bull`;

/**
 * PING on a connection that is up; any other state fails at once, so a
 * probe never waits on (or leaves listeners behind for) a connection attempt.
 */
export async function pingRedis(client: Redis): Promise<void> {
  if (client.status !== 'ready') throw new Error(`redis is not connected (${client.status})`);
  await client.ping();
}

/**
 * QUIT (lets pending replies arrive), or a hard disconnect if Redis does not
 * answer in time: a worker connection would otherwise wait on a dead Redis forever.
 */
export async function closeRedis(client: Redis, timeoutMs: number): Promise<void> {
  try {
    await withTimeout(client.quit(), timeoutMs, 'redis quit');
  } catch {
    client.disconnect();
  }
}
