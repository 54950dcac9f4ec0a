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

/** BullMQ's key prefix for this deployment, beside the app's own keys. */
export const bullPrefix = (keyPrefix: string) => `${keyPrefix}:bull`;

/**
 * PING that first waits for the very first connection (start-up), so a
 * process is not reported unready only because it was asked too early. Any
 * other state but ready fails at once. Callers bound it with a timeout.
 */
export async function pingRedis(client: Redis): Promise<void> {
  if (client.status === 'wait' || client.status === 'connecting' || client.status === 'connect') {
    await new Promise<void>((resolve, reject) => {
      const onReady = () => {
        client.off('end', onEnd);
        resolve();
      };
      const onEnd = () => {
        client.off('ready', onReady);
        reject(new Error('redis connection ended'));
      };
      client.once('ready', onReady);
      client.once('end', onEnd);
    });
  }
  if (client.status !== 'ready') throw new Error(`redis is not connected (${client.status})`);
  await client.ping();
}
