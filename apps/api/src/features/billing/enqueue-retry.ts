import { backoffRetry, type Logger } from '@groundwork/core';
import type { RedisClient } from '@groundwork/queue';

const MAX_PENDING = 100_000;
/** How many pending events one retry round queues in one call. */
const RETRY_BATCH = 500;

export type EnqueueEntry<TMeta> = { eventId: string; meta: TMeta };

/**
 * Wraps the webhook's enqueue so an event stored but not queued is queued by
 * this instance soon, rather than waiting for the sweeper's grace and
 * interval: at once when Redis comes back, and on a backing-off timer when
 * the failure was not a disconnection (a timeout under load, which no
 * reconnect follows). The sweeper stays the backstop for an instance that
 * dies first. A failed call still rejects, so the inbox reports it.
 */
export function createEnqueueRetry<TMeta>(deps: {
  /** Queues a batch of events (job id = event id, so queueing one twice is harmless). */
  enqueue: (entries: EnqueueEntry<TMeta>[]) => Promise<unknown>;
  redis: RedisClient;
  logger: Logger;
  /** The first timer's delay; it doubles after each failed round, up to 30 s. */
  retryDelayMs?: number;
}) {
  const pending = new Map<string, TMeta>();
  const retry = backoffRetry({
    hasWork: () => pending.size > 0,
    async attempt() {
      let queued = 0;
      try {
        while (pending.size > 0) {
          const batch = firstEntries(pending, RETRY_BATCH);
          await deps.enqueue(batch);
          for (const { eventId } of batch) pending.delete(eventId);
          queued += batch.length;
        }
      } finally {
        if (queued > 0) deps.logger.info({ queued }, 'queued stripe events that were stored but not queued');
      }
    },
    onFailure: (err) =>
      deps.logger.warn({ err, left: pending.size }, 'queueing stored stripe events again failed; will retry'),
    ...(deps.retryDelayMs === undefined ? {} : { firstDelayMs: deps.retryDelayMs }),
  });

  deps.redis.on('ready', () => void retry.now());

  return {
    async enqueue(entries: EnqueueEntry<TMeta>[]): Promise<unknown> {
      try {
        return await deps.enqueue(entries);
      } catch (err) {
        for (const { eventId, meta } of entries) {
          if (pending.size < MAX_PENDING) pending.set(eventId, meta);
        }
        retry.later();
        throw err;
      }
    },
    /** How many events wait to be queued again (for tests and metrics). */
    pendingCount: () => pending.size,
    /** Cancels the timer (shutdown): what is pending is left to the sweeper. */
    stop: () => retry.stop(),
  };
}

function firstEntries<TMeta>(pending: Map<string, TMeta>, count: number): EnqueueEntry<TMeta>[] {
  const entries: EnqueueEntry<TMeta>[] = [];
  for (const [eventId, meta] of pending) {
    if (entries.length === count) break;
    entries.push({ eventId, meta });
  }
  return entries;
}
