import { AppError } from '@groundwork/core';

export type HashingGate = {
  /**
   * Runs `work` when one of `concurrency` slots is free, waiting in a queue of
   * at most `queue`. Past that, or if `signal` aborted before the work could
   * start (the client has gone), it throws at once without doing the work.
   *
   * @throws AppError UNAVAILABLE with retryAfterSeconds when full
   */
  run: <T>(work: () => Promise<T>, signal?: AbortSignal) => Promise<T>;
  /** Throws the same UNAVAILABLE now when a new request would not even get into the queue. */
  assertCapacity: () => void;
};

/** How much each finished hash moves the estimate of the next one's duration. */
const ESTIMATE_WEIGHT = 0.3;

/**
 * Bounded concurrency in front of bcrypt: a flood of logins cannot take the
 * CPU every other request needs. Waiting is bounded too, so an accepted login
 * answers within about (queue / concurrency + 1) hash times, and a refused one
 * is told when to retry. Hash time is measured, not assumed: hashing at low
 * priority on a busy server takes longer than on an idle one (ADR 035).
 *
 * @param options.hashMs the first estimate of one hash's duration
 * @param options.now tests only: the clock that times each hash
 */
export function createHashingGate(options: {
  concurrency: number;
  queue: number;
  hashMs: number;
  now?: () => number;
}): HashingGate {
  const now = options.now ?? (() => performance.now());
  let running = 0;
  let hashMs = options.hashMs;
  const waiting: (() => void)[] = [];

  const full = () =>
    new AppError('UNAVAILABLE', 'Too many sign-ins at once; try again shortly', {
      details: {
        retryAfterSeconds: Math.max(1, Math.ceil(((waiting.length / options.concurrency + 1) * hashMs) / 1000)),
      },
    });
  const gone = () => new AppError('UNAVAILABLE', 'The client went away before its password was checked');

  /** Hands the slot to the next in line, or frees it: a newcomer can never slip between the two. */
  function release() {
    const next = waiting.shift();
    if (next) next();
    else running -= 1;
  }

  return {
    assertCapacity() {
      if (running >= options.concurrency && waiting.length >= options.queue) throw full();
    },
    async run(work, signal) {
      if (running < options.concurrency) running += 1;
      else if (waiting.length >= options.queue) throw full();
      else await new Promise<void>((resolve) => waiting.push(resolve)); // resumes holding a slot
      try {
        if (signal?.aborted) throw gone();
        const started = now();
        const result = await work();
        hashMs += (now() - started - hashMs) * ESTIMATE_WEIGHT;
        return result;
      } finally {
        release();
      }
    },
  };
}
