import type { Logger } from '@groundwork/core';
import type { RedisClient } from '@groundwork/queue';

const MAX_PENDING = 100_000;
const MAX_RETRY_DELAY_MS = 30_000;

/**
 * Wraps the webhook's enqueue so an event stored but not queued is queued by
 * this instance soon, rather than waiting for the sweeper's grace and
 * interval: at once when Redis comes back, and on a backing-off timer when
 * the failure was not a disconnection (a timeout under load, which no
 * reconnect follows). The sweeper stays the backstop for an instance that
 * dies first. A failed call still rejects, so the inbox reports it.
 */
export function createEnqueueRetry<TMeta>(deps: {
  enqueue: (eventId: string, meta: TMeta) => Promise<unknown>;
  redis: RedisClient;
  logger: Logger;
  /** The first timer's delay; it doubles after each failed round, up to 30 s. */
  retryDelayMs?: number;
}) {
  const baseDelayMs = deps.retryDelayMs ?? 1_000;
  const pending = new Map<string, TMeta>();
  let flushing = false;
  let timer: NodeJS.Timeout | null = null;
  let delayMs = baseDelayMs;

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
      delayMs = baseDelayMs;
    } catch (err) {
      deps.logger.warn({ err, left: pending.size }, 'queueing stored stripe events again failed; will retry');
      delayMs = Math.min(delayMs * 2, MAX_RETRY_DELAY_MS);
    } finally {
      flushing = false;
      if (queued > 0) deps.logger.info({ queued }, 'queued stripe events that were stored but not queued');
      retryLater();
    }
  }

  function retryLater(): void {
    if (timer || pending.size === 0) return;
    timer = setTimeout(() => {
      timer = null;
      void flush();
    }, delayMs);
    // Never what keeps a process alive: the sweeper covers an instance that stops.
    timer.unref();
  }

  deps.redis.on('ready', () => void flush());

  return {
    async enqueue(eventId: string, meta: TMeta): Promise<unknown> {
      try {
        return await deps.enqueue(eventId, meta);
      } catch (err) {
        if (pending.size < MAX_PENDING) pending.set(eventId, meta);
        retryLater();
        throw err;
      }
    },
    /** How many events wait to be queued again (for tests and metrics). */
    pendingCount: () => pending.size,
    /** Cancels the timer (shutdown): what is pending is left to the sweeper. */
    stop(): void {
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
