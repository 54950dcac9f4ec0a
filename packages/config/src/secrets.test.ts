import { describe, expect, test } from 'vitest';

import { weakSecretReason } from './secrets.js';

describe('weakSecretReason', () => {
  test.each([
    ['short', 'abc123', /shorter than 32/],
    ['placeholder word', 'changeme-changeme-changeme-changeme', /placeholder word "changeme"/],
    ['copied example', 'this-is-an-example-secret-value-0001', /placeholder word/],
    ['repeated character', 'a'.repeat(40), /too little variety/],
    ['two characters', 'ab'.repeat(20), /too little variety/],
  ])('when the secret is a %s, then it is refused', (_case, value, reason) => {
    expect(weakSecretReason(value)).toMatch(reason);
  });

  test('when the secret is long and random, then it is accepted', () => {
    expect(weakSecretReason('q7Vh2LmX9pRt4sWz8NbK3cYf6GdJ1aUe')).toBeNull();
  });

  test('when a shorter minimum is given, then that minimum applies', () => {
    expect(weakSecretReason('Zq8vN3kLp2Xr7Tw9', 16)).toBeNull();
    expect(weakSecretReason('Zq8vN3kLp2Xr7Tw', 16)).toMatch(/shorter than 16/);
  });
});
