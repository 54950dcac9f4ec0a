import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

import { AppError } from '@groundwork/core';

import { HASH_THREAD_SOURCE } from './hash-thread-source.js';

export type HashThreads = {
  hash: (password: string, cost: number) => Promise<string>;
  compare: (password: string, hash: string) => Promise<boolean>;
  /** Lets a job in flight finish, then ends every thread; waiting and later jobs fail with UNAVAILABLE. */
  close: () => Promise<void>;
};

type Job = { password: string; cost: number } | { password: string; hash: string };
type Reply = { result: string | boolean } | { error: string };
type Pending = { job: Job; resolve: (value: string | boolean) => void; reject: (error: unknown) => void };
type Thread = { worker: Worker; pending?: Pending; crash?: unknown };

const bcryptPath = createRequire(import.meta.url).resolve('bcrypt');

/** A real hashing thread at the given nice value (0 to 19). */
export function spawnHashThread(nice: number): Worker {
  return new Worker(HASH_THREAD_SOURCE, { eval: true, workerData: { bcryptPath, nice }, execArgv: [] });
}

/**
 * At most `size` worker threads that hash and compare with bcrypt at a lower
 * CPU priority than the event loop (ADR 035), started on demand. A thread
 * that dies fails its job with a typed error and is replaced on the next job,
 * so a broken thread can never spin in a restart loop. Idle threads do not
 * keep the process alive.
 *
 * @param options.spawn tests only: wraps or replaces `spawnHashThread`
 */
export function createHashThreads(options: { size: number; nice: number; spawn?: () => Worker }): HashThreads {
  const spawn = options.spawn ?? (() => spawnHashThread(options.nice));
  const threads = new Set<Thread>();
  const idle: Thread[] = [];
  const queued: Pending[] = [];
  let closed = false;

  const unavailable = (message: string, cause?: unknown) =>
    new AppError('UNAVAILABLE', message, { cause, details: { retryAfterSeconds: 1 } });

  function start(): Thread {
    const thread: Thread = { worker: spawn() };
    thread.worker.unref();
    thread.worker.on('message', (reply: Reply) => finish(thread, reply));
    // Without a listener, a thread's uncaught error would be thrown on the event loop; 'exit' follows.
    thread.worker.on('error', (error) => {
      thread.crash = error;
    });
    thread.worker.on('exit', (code) => {
      threads.delete(thread);
      const at = idle.indexOf(thread);
      if (at >= 0) idle.splice(at, 1);
      const cause = thread.crash ?? new Error(`hashing thread exited with code ${code}`);
      thread.pending?.reject(
        closed
          ? unavailable('The server is shutting down', cause)
          : unavailable('The password check was interrupted; try again', cause),
      );
      thread.pending = undefined;
      dispatch();
    });
    threads.add(thread);
    return thread;
  }

  function finish(thread: Thread, reply: Reply) {
    const pending = thread.pending;
    thread.pending = undefined;
    thread.worker.unref();
    idle.push(thread);
    if ('error' in reply) pending?.reject(new AppError('INTERNAL', `bcrypt failed: ${reply.error}`));
    else pending?.resolve(reply.result);
    dispatch();
  }

  function dispatch() {
    while (queued.length > 0 && !closed) {
      let thread: Thread | undefined;
      try {
        thread = idle.pop() ?? (threads.size < options.size ? start() : undefined);
      } catch (error) {
        // A thread that cannot even be created (out of memory, thread limit) fails the job, not the process.
        queued.shift()?.reject(unavailable('The password check could not start; try again', error));
        continue;
      }
      if (!thread) return;
      const pending = queued.shift() as Pending;
      thread.pending = pending;
      thread.worker.ref(); // a job in flight keeps the process alive until it answers
      thread.worker.postMessage(pending.job);
    }
  }

  function run(job: Job) {
    if (closed) return Promise.reject(unavailable('The server is shutting down'));
    return new Promise<string | boolean>((resolve, reject) => {
      queued.push({ job, resolve, reject });
      dispatch();
    });
  }

  return {
    hash: async (password, cost) => (await run({ password, cost })) as string,
    compare: async (password, hash) => (await run({ password, hash })) as boolean,
    async close() {
      closed = true;
      for (const pending of queued.splice(0)) pending.reject(unavailable('The server is shutting down'));
      // Asked, not terminated: terminating a thread inside a native bcrypt call can abort the process
      // ("terminate called after throwing an instance of 'Napi::Error'"). Messages are handled in
      // order, so a thread finishes its job first.
      await Promise.all(
        [...threads].map(
          (thread) =>
            new Promise<void>((resolve) => {
              thread.worker.once('exit', () => resolve());
              thread.worker.postMessage('close');
            }),
        ),
      );
    },
  };
}
