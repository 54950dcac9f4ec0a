import bcrypt from 'bcrypt';
import { AppError } from '@groundwork/core';
import { describe, expect, test } from 'vitest';

import { createPasswordHasher } from './password-hasher.js';

describe('password hasher', () => {
  // Nice 0: at 19 the four cost-12 hashes here can take many seconds on a busy test machine;
  // the priority itself is checked in hash-threads.test.ts.
  test(
    'when hashing with the production cost 12, then the hash records cost 12 and verifies',
    { timeout: 20_000 },
    async () => {
      const hasher = createPasswordHasher({ cost: 12, nice: 0 });

      const hash = await hasher.hash('correct horse battery staple');

      expect(hash).toMatch(/^\$2b\$12\$/);
      expect(await hasher.verify('correct horse battery staple', hash)).toBe(true);
      expect(await hasher.verify('correct horse battery stapl', hash)).toBe(false);
      await hasher.close();
    },
  );

  test('when a stored hash was made by bcrypt on the libuv pool (before ADR 035), then the same password still verifies', async () => {
    const hasher = createPasswordHasher({ cost: 4 });
    const stored = await bcrypt.hash('pw-from-last-year', 4);

    expect(await hasher.verify('pw-from-last-year', stored)).toBe(true);
    expect(await hasher.verify('pw-from-last-yeaR', stored)).toBe(false);
    await hasher.close();
  });

  test('when the hasher is closed, then later hashes fail with UNAVAILABLE', async () => {
    const hasher = createPasswordHasher({ cost: 4 });
    await hasher.close();

    const error = await hasher.hash('after-shutdown-1').catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('UNAVAILABLE');
  });

  test('when there is no stored hash (unknown user), then verify is false', async () => {
    const hasher = createPasswordHasher({ cost: 4 });
    expect(await hasher.verify('anything-at-all', undefined)).toBe(false);
    await hasher.close();
  });

  test('when a hash was made with a lower cost, then it needs a rehash; at the configured cost it does not', async () => {
    const hasher = createPasswordHasher({ cost: 5 });
    expect(hasher.needsRehash(await bcrypt.hash('pw-one-two-three', 4))).toBe(true);
    expect(hasher.needsRehash(await hasher.hash('pw-one-two-three'))).toBe(false);
    await hasher.close();
  });
});
