import bcrypt from 'bcrypt';

export type PasswordHasher = {
  hash: (password: string) => Promise<string>;
  /**
   * Compares against `hash`, or against a dummy hash of the same cost when
   * there is no user, so an unknown e-mail costs as much time as a known one.
   */
  verify: (password: string, hash: string | undefined) => Promise<boolean>;
  /** True when the hash was made with a lower cost than configured: rehash after a successful login. */
  needsRehash: (hash: string) => boolean;
};

/**
 * bcrypt through its asynchronous API only (it runs on libuv's thread pool,
 * never blocking the event loop).
 *
 * @param options.cost bcrypt cost factor; 12 in production, low in tests
 */
export function createPasswordHasher(options: { cost: number }): PasswordHasher {
  // Made in the background (≈ 250 ms at cost 12) instead of delaying start-up; the first
  // comparison against it waits for it.
  const dummyHash = bcrypt.hash(`dummy-${Math.random()}`, options.cost);
  dummyHash.catch(() => undefined); // a failure surfaces in verify, not as an unhandled rejection
  return {
    hash: (password) => bcrypt.hash(password, options.cost),
    async verify(password, hash) {
      const matches = await bcrypt.compare(password, hash ?? (await dummyHash));
      return hash !== undefined && matches;
    },
    needsRehash: (hash) => bcrypt.getRounds(hash) < options.cost,
  };
}
