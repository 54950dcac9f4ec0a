import bcrypt from 'bcrypt';

import { createHashThreads } from './hash-threads.js';
import { createHashingGate } from './hashing-gate.js';

export type PasswordHasher = {
  /** `signal`: the request's; a hash whose client has gone is not started. */
  hash: (password: string, signal?: AbortSignal) => Promise<string>;
  /**
   * Compares against `hash`, or against a dummy hash of the same cost when
   * there is no user, so an unknown e-mail costs as much time as a known one.
   */
  verify: (password: string, hash: string | undefined, signal?: AbortSignal) => Promise<boolean>;
  /** Throws UNAVAILABLE (with retryAfterSeconds) now if a hash would be refused: call before other work. */
  assertCapacity: () => void;
  /** True when the hash was made with a lower cost than configured: rehash after a successful login. */
  needsRehash: (hash: string) => boolean;
  /** Stops the hashing threads (graceful shutdown); later calls fail with UNAVAILABLE. */
  close: () => Promise<void>;
};

/**
 * bcrypt on a few worker threads of lower CPU priority than the event loop
 * (see hash-threads and ADR 035), never on the event loop itself.
 *
 * Every hash and comparison goes through a bounded gate (see hashing-gate).
 *
 * @param options.cost bcrypt cost factor; 12 in production, low in tests
 * @param options.concurrency hashes at once in this process (one thread each); `queue` more may wait
 * @param options.nice the hashing threads' nice value: 0 shares the CPU equally with the event loop, 19 yields most
 */
export function createPasswordHasher(options: {
  cost: number;
  concurrency?: number;
  queue?: number;
  nice?: number;
}): PasswordHasher {
  const concurrency = options.concurrency ?? 2;
  // About 250 ms per hash at cost 12 on one core, doubling per step: the first estimate for Retry-After.
  const gate = createHashingGate({ concurrency, queue: options.queue ?? 4, hashMs: 250 * 2 ** (options.cost - 12) });
  const threads = createHashThreads({ size: concurrency, nice: options.nice ?? 19 });
  // Made in the background instead of delaying start-up; the first comparison against it waits for it.
  const dummyHash = threads.hash(`dummy-${Math.random()}`, options.cost);
  dummyHash.catch(() => undefined); // a failure surfaces in verify, not as an unhandled rejection
  return {
    hash: (password, signal) => gate.run(() => threads.hash(password, options.cost), signal),
    async verify(password, hash, signal) {
      const against = hash ?? (await dummyHash);
      const matches = await gate.run(() => threads.compare(password, against), signal);
      return hash !== undefined && matches;
    },
    assertCapacity: () => gate.assertCapacity(),
    needsRehash: (hash) => bcrypt.getRounds(hash) < options.cost,
    close: () => threads.close(),
  };
}
