import { afterEach, describe, expect, test, vi } from 'vitest';

import { groupCommit } from './group-commit.js';

/** A commit that records each batch and answers each item with its double, until told otherwise. */
function recordingCommit() {
  const batches: number[][] = [];
  const commit = vi.fn((items: number[]) => {
    batches.push(items);
    return Promise.resolve(items.map((item) => item * 2));
  });
  return { batches, commit };
}

/** A commit that stays open until `release` is called, to hold the one commit that may run. */
function gate() {
  let release: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => (release = resolve));
  return { opened, release };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('groupCommit', () => {
  test('when an item is alone, then its commit starts once the window has passed, not before', async () => {
    // Arrange
    vi.useFakeTimers();
    const { batches, commit } = recordingCommit();
    const commits = groupCommit({ commit, maxBatchSize: 10, windowMs: 20 });

    // Act
    const result = commits.submit(21);
    await vi.advanceTimersByTimeAsync(19);
    const beforeWindow = commit.mock.calls.length;
    await vi.advanceTimersByTimeAsync(1);

    // Assert
    expect(beforeWindow).toBe(0);
    expect(batches).toEqual([[21]]);
    await expect(result).resolves.toBe(42);
  });

  test('when the window is 0, then items submitted in the same turn share one commit, and each gets its own result', async () => {
    const { batches, commit } = recordingCommit();
    const commits = groupCommit({ commit, maxBatchSize: 10, windowMs: 0 });

    const results = await Promise.all([commits.submit(1), commits.submit(2), commits.submit(3)]);

    expect(batches).toEqual([[1, 2, 3]]);
    expect(results).toEqual([2, 4, 6]);
  });

  test('when items arrive while a commit runs, then they wait for it and go together in the next one', async () => {
    const held = gate();
    const batches: number[][] = [];
    const commits = groupCommit({
      commit: async (items: number[]) => {
        batches.push(items);
        if (batches.length === 1) await held.opened;
        return items;
      },
      maxBatchSize: 10,
      windowMs: 0,
    });

    const first = commits.submit(1);
    await vi.waitFor(() => expect(batches).toHaveLength(1));
    const later = [commits.submit(2), commits.submit(3), commits.submit(4)];
    const waitingDuringCommit = commits.waitingCount();
    held.release();
    await Promise.all([first, ...later]);

    expect(waitingDuringCommit).toBe(3);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  test('when more items wait than a batch may carry, then every commit carries at most the maximum', async () => {
    const { batches, commit } = recordingCommit();
    const commits = groupCommit({ commit, maxBatchSize: 4, windowMs: 0 });

    const results = await Promise.all(Array.from({ length: 10 }, (_, item) => commits.submit(item)));

    expect(batches.map((batch) => batch.length)).toEqual([4, 4, 2]);
    expect(results).toEqual(Array.from({ length: 10 }, (_, item) => item * 2));
  });

  test('when a batch reaches the maximum, then it is committed at once, without waiting for the window', async () => {
    vi.useFakeTimers();
    const { batches, commit } = recordingCommit();
    const commits = groupCommit({ commit, maxBatchSize: 2, windowMs: 1_000 });

    const results = Promise.all([commits.submit(1), commits.submit(2)]);
    await vi.advanceTimersByTimeAsync(0);

    expect(batches).toEqual([[1, 2]]);
    await expect(results).resolves.toEqual([2, 4]);
  });

  test('when a commit fails, then every item of that batch gets its error and the next batch is committed as usual', async () => {
    const held = gate();
    let calls = 0;
    const commits = groupCommit({
      commit: async (items: number[]) => {
        calls += 1;
        if (calls === 1) {
          await held.opened;
          throw new Error('insert failed');
        }
        return items;
      },
      maxBatchSize: 10,
      windowMs: 0,
    });

    const failing = [commits.submit(1), commits.submit(2)].map((result) => result.catch((error: Error) => error));
    await vi.waitFor(() => expect(calls).toBe(1));
    const next = commits.submit(3);
    held.release();

    expect((await Promise.all(failing)).map((error) => (error as Error).message)).toEqual([
      'insert failed',
      'insert failed',
    ]);
    await expect(next).resolves.toBe(3);
  });

  test('when a commit answers for fewer items than it was given, then the batch fails rather than answer anyone wrongly', async () => {
    const commits = groupCommit({ commit: () => Promise.resolve([1]), maxBatchSize: 10, windowMs: 0 });

    const results = await Promise.allSettled([commits.submit(1), commits.submit(2)]);

    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
  });

  test('when the maximum batch size is not a positive whole number, then it is refused', () => {
    expect(() => groupCommit({ commit: () => Promise.resolve([]), maxBatchSize: 0, windowMs: 0 })).toThrow(RangeError);
  });
});
