export type BackoffRetryOptions = {
  /** One try at the work left; rejects when it could not all be done. */
  attempt: () => Promise<void>;
  /** Whether any work is left: nothing is scheduled or tried without. */
  hasWork: () => boolean;
  /** Told of each failed try (a log line); the next one is scheduled anyway. */
  onFailure: (error: unknown) => void;
  /** The first timer's delay; it doubles after each failed try, up to `maxDelayMs`. */
  firstDelayMs?: number;
  maxDelayMs?: number;
};

/**
 * Work that failed, tried again on a backing-off timer until it is done, and at once when asked
 * (`now`: e.g. on a Redis reconnect). Only one try runs at a time, and the timer never keeps the
 * process alive. A write can fail on a connection that stays up (a timeout under load, a demoted
 * master's READONLY), which no reconnect follows: the timer covers that. Shared by the webhook's
 * enqueue retry and the session-revocation markers.
 */
export function backoffRetry(options: BackoffRetryOptions) {
  const firstDelayMs = options.firstDelayMs ?? 1_000;
  const maxDelayMs = options.maxDelayMs ?? 30_000;
  let delayMs = firstDelayMs;
  let running = false;
  let timer: NodeJS.Timeout | null = null;

  async function now(): Promise<void> {
    if (running || !options.hasWork()) return;
    running = true;
    try {
      await options.attempt();
      delayMs = firstDelayMs;
    } catch (error) {
      options.onFailure(error);
      delayMs = Math.min(delayMs * 2, maxDelayMs);
    } finally {
      running = false;
      later();
    }
  }

  function later(): void {
    if (timer || !options.hasWork()) return;
    timer = setTimeout(() => {
      timer = null;
      void now();
    }, delayMs);
    timer.unref();
  }

  return {
    /** Tries now, unless a try is running or nothing is left. */
    now,
    /** Schedules a try on the timer, unless one is scheduled or nothing is left. */
    later,
    /** Cancels the timer (shutdown). */
    stop(): void {
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
