import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';

import { backoffRetry } from './backoff-retry.js';

describe('backoffRetry (webhook enqueue retry, revocation markers)', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  /** Work that fails `failures` times, then succeeds; records when each try ran. */
  function work(failures: number) {
    const tries: number[] = [];
    let left = true;
    const failed: unknown[] = [];
    const retry = backoffRetry({
      hasWork: () => left,
      attempt: async () => {
        tries.push(Date.now());
        if (tries.length <= failures) throw new Error(`try ${tries.length}`);
        left = false;
      },
      onFailure: (error) => failed.push(error),
      firstDelayMs: 1_000,
      maxDelayMs: 3_000,
    });
    return { retry, tries, failed, done: () => !left };
  }

  test('when tries keep failing, then the timer waits 1 s, then twice as long each time, up to the maximum, until one succeeds', async () => {
    const { retry, tries, failed, done } = work(3);
    const start = Date.now();

    retry.later();
    await vi.advanceTimersByTimeAsync(1_000 + 2_000 + 3_000 + 3_000);

    expect(tries.map((at) => at - start)).toEqual([1_000, 3_000, 6_000, 9_000]);
    expect(failed).toHaveLength(3);
    expect(done()).toBe(true);
  });

  test('when asked now while a timer is set, then it tries at once and the timer finds nothing left', async () => {
    const { retry, tries } = work(0);

    retry.later();
    await retry.now();
    await vi.advanceTimersByTimeAsync(10_000);

    expect(tries).toHaveLength(1);
  });

  test('when stopped, then no timer tries anything later', async () => {
    const { retry, tries } = work(0);

    retry.later();
    retry.stop();
    await vi.advanceTimersByTimeAsync(10_000);

    expect(tries).toHaveLength(0);
  });
});
