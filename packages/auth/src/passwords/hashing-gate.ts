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

/**
 * Bounded concurrency in front of bcrypt: a flood of logins cannot fill
 * libuv's pool and take the CPU every other request needs. Waiting is
 * bounded too, so an accepted login answers within about (queue / concurrency + 1)
 * hash times, and a refused one is told when to retry.
 */
export function createHashingGate(options: { concurrency: number; queue: number; hashMs: number }): HashingGate {
  let running = 0;
  const waiting: (() => void)[] = [];

  const full = () =>
    new AppError('UNAVAILABLE', 'Too many sign-ins at once; try again shortly', {
      details: {
        retryAfterSeconds: Math.max(1, Math.ceil(((waiting.length / options.concurrency + 1) * options.hashMs) / 1000)),
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
        return await work();
      } finally {
        release();
      }
    },
  };
}
