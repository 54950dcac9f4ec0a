import { readdirSync, readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

import { AppError } from '@groundwork/core';
import bcrypt from 'bcrypt';
import { afterEach, describe, expect, test, vi } from 'vitest';

import { createHashThreads, type HashThreads, spawnHashThread } from './hash-threads.js';

/** Nice value of each of this process's threads, from /proc (field 19 of each task's stat line). */
function threadNiceValues(): number[] {
  return readdirSync('/proc/self/task').flatMap((tid) => {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      return [Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16])];
    } catch {
      return []; // the thread ended between the listing and the read
    }
  });
}
const ownNice = () => {
  const stat = readFileSync('/proc/thread-self/stat', 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
};

/** Real hashing threads, each one remembered so a test can kill it. */
function recordingSpawn(nice = 19) {
  const spawned: Worker[] = [];
  const exited: Worker[] = [];
  return {
    spawned,
    exited,
    spawn: () => {
      const worker = spawnHashThread(nice);
      worker.on('exit', () => exited.push(worker));
      spawned.push(worker);
      return worker;
    },
  };
}

const open: HashThreads[] = [];
function threads(options: Parameters<typeof createHashThreads>[0]) {
  const created = createHashThreads(options);
  open.push(created);
  return created;
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((created) => created.close()));
});

describe('hashing threads', () => {
  test('when hashing and comparing, then results agree with bcrypt on the event loop both ways (existing users still log in)', async () => {
    const pool = threads({ size: 2, nice: 19 });
    const madeBefore = await bcrypt.hash('orchard-lantern-41', 4);

    const madeByThreads = await pool.hash('orchard-lantern-41', 4);

    expect(madeByThreads).toMatch(/^\$2b\$04\$/);
    expect(await bcrypt.compare('orchard-lantern-41', madeByThreads)).toBe(true);
    expect(await pool.compare('orchard-lantern-41', madeBefore)).toBe(true);
    expect(await pool.compare('orchard-lantern-42', madeBefore)).toBe(false);
  });

  test.runIf(process.platform === 'linux')(
    'when threads are hashing, then they run at the configured nice value while the calling thread keeps its own',
    async () => {
      const before = threadNiceValues().filter((nice) => nice === 17).length;
      const pool = threads({ size: 2, nice: 17 });

      await Promise.all([pool.hash('first-password-1', 4), pool.hash('second-password-2', 4)]);

      expect(threadNiceValues().filter((nice) => nice === 17).length - before).toBe(2);
      expect(ownNice()).toBe(0);
    },
  );

  test('when more jobs arrive than threads, then they wait and all complete on at most `size` threads', async () => {
    const recorder = recordingSpawn();
    const pool = threads({ size: 2, nice: 19, spawn: recorder.spawn });

    const hashes = await Promise.all(Array.from({ length: 5 }, (_, index) => pool.hash(`password-${index}`, 4)));

    expect(new Set(hashes).size).toBe(5);
    expect(recorder.spawned).toHaveLength(2);
  });

  test('when a thread is terminated mid-hash, then its job fails with UNAVAILABLE and a new thread serves the next job', async () => {
    const recorder = recordingSpawn();
    const pool = threads({ size: 1, nice: 19, spawn: recorder.spawn });
    const interrupted = pool.hash('slow-password-1', 12).catch((error: unknown) => error);
    await vi.waitFor(() => expect(recorder.spawned).toHaveLength(1));

    await recorder.spawned[0]?.terminate();

    const error = await interrupted;
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('UNAVAILABLE');
    expect((error as AppError).details?.retryAfterSeconds).toBe(1);
    expect(await pool.compare('next-password-2', await bcrypt.hash('next-password-2', 4))).toBe(true);
    expect(recorder.spawned).toHaveLength(2);
  });

  test('when a thread dies on its own with an uncaught error, then the job fails with UNAVAILABLE, not a hang, and the pool recovers', async () => {
    let first = true;
    const pool = threads({
      size: 1,
      nice: 19,
      spawn: () => {
        if (!first) return spawnHashThread(19);
        first = false;
        return new Worker(
          "require('node:worker_threads').parentPort.on('message', () => { throw new Error('boom'); });",
          {
            eval: true,
          },
        );
      },
    });

    const error = await pool.hash('crashing-password', 4).catch((caught: unknown) => caught);

    expect((error as AppError).code).toBe('UNAVAILABLE');
    expect(((error as AppError).cause as Error).message).toBe('boom');
    expect(await pool.hash('working-password', 4)).toMatch(/^\$2b\$04\$/);
  });

  test('when a thread cannot be created, then the job fails with UNAVAILABLE and a later job gets a thread', async () => {
    let attempts = 0;
    const pool = threads({
      size: 1,
      nice: 19,
      spawn: () => {
        attempts += 1;
        if (attempts === 1) throw new Error('EAGAIN: no more threads');
        return spawnHashThread(19);
      },
    });

    const error = await pool.hash('first-password-1', 4).catch((caught: unknown) => caught);

    expect((error as AppError).code).toBe('UNAVAILABLE');
    expect(((error as AppError).cause as Error).message).toBe('EAGAIN: no more threads');
    expect(await pool.hash('second-password-2', 4)).toMatch(/^\$2b\$04\$/);
  });

  test('when bcrypt refuses the input, then the job fails with INTERNAL and the thread stays usable', async () => {
    const recorder = recordingSpawn();
    const pool = threads({ size: 1, nice: 19, spawn: recorder.spawn });

    const error = await pool.hash(42 as unknown as string, 4).catch((caught: unknown) => caught);

    expect((error as AppError).code).toBe('INTERNAL');
    expect(await pool.hash('any-password', 4)).toMatch(/^\$2b\$04\$/);
    expect(recorder.spawned).toHaveLength(1);
  });

  test('when closed, then the job in flight still finishes, waiting and later jobs fail with UNAVAILABLE, and every thread has exited', async () => {
    const recorder = recordingSpawn();
    const pool = threads({ size: 1, nice: 19, spawn: recorder.spawn });
    const inFlight = pool.hash('slow-password-1', 10);
    const waiting = pool.hash('waiting-password-2', 4).catch((error: unknown) => error);
    await vi.waitFor(() => expect(recorder.spawned).toHaveLength(1));

    await pool.close();

    await expect(inFlight).resolves.toMatch(/^\$2b\$10\$/);
    expect(((await waiting) as AppError).code).toBe('UNAVAILABLE');
    expect(((await pool.hash('too-late-3', 4).catch((error: unknown) => error)) as AppError).code).toBe('UNAVAILABLE');
    expect(recorder.exited).toHaveLength(recorder.spawned.length);
  });
});
