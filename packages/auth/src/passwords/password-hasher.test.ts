import bcrypt from 'bcrypt';
import { describe, expect, test } from 'vitest';

import { createPasswordHasher } from './password-hasher.js';

describe('password hasher', () => {
  test('when hashing with the production cost 12, then the hash records cost 12 and verifies', async () => {
    const hasher = createPasswordHasher({ cost: 12 });

    const hash = await hasher.hash('correct horse battery staple');

    expect(hash).toMatch(/^\$2b\$12\$/);
    expect(await hasher.verify('correct horse battery staple', hash)).toBe(true);
    expect(await hasher.verify('correct horse battery stapl', hash)).toBe(false);
  });

  test('when there is no stored hash (unknown user), then verify is false', async () => {
    const hasher = createPasswordHasher({ cost: 4 });
    expect(await hasher.verify('anything-at-all', undefined)).toBe(false);
  });

  test('when a hash was made with a lower cost, then it needs a rehash; at the configured cost it does not', async () => {
    const hasher = createPasswordHasher({ cost: 5 });
    expect(hasher.needsRehash(await bcrypt.hash('pw-one-two-three', 4))).toBe(true);
    expect(hasher.needsRehash(await hasher.hash('pw-one-two-three'))).toBe(false);
  });
});
