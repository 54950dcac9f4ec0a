import { AppError } from '@groundwork/core';
import { describe, expect, test, vi } from 'vitest';

import { createHashingGate } from './hashing-gate.js';

/** Work that finishes when the test says so. */
function controllable() {
  const finishers: (() => void)[] = [];
  const work = vi.fn(() => new Promise<boolean>((resolve) => finishers.push(() => resolve(true))));
  return { work, finishNext: () => finishers.shift()?.() };
}

describe('hashing gate', () => {
  test('when more requests arrive than slots and queue hold, then the excess is refused at once with Retry-After and never hashed', async () => {
    const gate = createHashingGate({ concurrency: 1, queue: 1, hashMs: 250 });
    const { work, finishNext } = controllable();
    const first = gate.run(work);
    const second = gate.run(work);

    const third = await gate.run(work).catch((error: unknown) => error);

    expect(third).toBeInstanceOf(AppError);
    expect((third as AppError).code).toBe('UNAVAILABLE');
    expect((third as AppError).details?.retryAfterSeconds).toBe(1);
    expect(() => gate.assertCapacity()).toThrow(AppError);
    expect(work).toHaveBeenCalledTimes(1);
    finishNext();
    await first;
    await vi.waitFor(() => expect(work).toHaveBeenCalledTimes(2));
    finishNext();
    await second;
  });

  test('when a waiting client goes away, then its hash is never started and the next in line gets the slot', async () => {
    const gate = createHashingGate({ concurrency: 1, queue: 2, hashMs: 250 });
    const { work, finishNext } = controllable();
    const first = gate.run(work);
    const abandoned = new AbortController();
    const gone = gate.run(work, abandoned.signal).catch((error: unknown) => error);
    const third = gate.run(work);

    abandoned.abort();
    finishNext();
    await first;

    expect(((await gone) as AppError).code).toBe('UNAVAILABLE');
    await vi.waitFor(() => expect(work).toHaveBeenCalledTimes(2));
    finishNext();
    await expect(third).resolves.toBe(true);
  });

  test('when work fails, then its slot is freed for the next', async () => {
    const gate = createHashingGate({ concurrency: 1, queue: 0, hashMs: 250 });

    await expect(gate.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');

    await expect(gate.run(() => Promise.resolve('ok'))).resolves.toBe('ok');
  });

  test('when hashes take longer than first estimated (low priority on a busy CPU), then Retry-After follows the measured time', async () => {
    let clock = 0;
    const gate = createHashingGate({ concurrency: 1, queue: 0, hashMs: 250, now: () => clock });
    for (let hash = 0; hash < 10; hash += 1) {
      await gate.run(() => {
        clock += 8_000;
        return Promise.resolve(true);
      });
    }
    const { work, finishNext } = controllable();
    const running = gate.run(work);

    const refused = await gate.run(work).catch((error: unknown) => error);

    expect((refused as AppError).details?.retryAfterSeconds).toBe(8);
    finishNext();
    await running;
  });
});
