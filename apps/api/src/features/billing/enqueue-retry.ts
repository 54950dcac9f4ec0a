import type { Logger } from '@groundwork/core';
import type { Redis } from 'ioredis';

const MAX_PENDING = 100_000;

/**
 * Wraps the webhook's enqueue so an event stored while Redis was away is
 * queued by this instance as soon as Redis is back, within a second, rather
 * than waiting for the sweeper's grace and interval. The sweeper stays the
 * backstop for an instance that dies first. A failed call still rejects, so
 * the inbox reports it.
 */
export function createEnqueueRetry<TMeta>(deps: {
  enqueue: (eventId: string, meta: TMeta) => Promise<unknown>;
  redis: Redis;
  logger: Logger;
}) {
  const pending = new Map<string, TMeta>();
  let flushing = false;

  async function flush(): Promise<void> {
    if (flushing || pending.size === 0) return;
    flushing = true;
    let queued = 0;
    try {
      for (const [eventId, meta] of [...pending]) {
        await deps.enqueue(eventId, meta);
        pending.delete(eventId);
        queued += 1;
      }
    } catch (err) {
      deps.logger.warn({ err, left: pending.size }, 'queueing stored stripe events again failed; will retry');
    } finally {
      flushing = false;
      if (queued > 0) deps.logger.info({ queued }, 'queued stripe events stored while redis was away');
    }
  }

  deps.redis.on('ready', () => void flush());

  return {
    async enqueue(eventId: string, meta: TMeta): Promise<unknown> {
      try {
        return await deps.enqueue(eventId, meta);
      } catch (err) {
        if (pending.size < MAX_PENDING) pending.set(eventId, meta);
        throw err;
      }
    },
    /** How many events wait for Redis (for tests and metrics). */
    pendingCount: () => pending.size,
  };
}
