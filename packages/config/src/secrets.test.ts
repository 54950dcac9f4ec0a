import { randomBytes } from 'node:crypto';

import { describe, expect, test } from 'vitest';

import { weakSecretReason } from './secrets.js';

describe('weakSecretReason', () => {
  test.each([
    ['short', 'abc123', /shorter than 32/],
    ['placeholder word', 'changeme-changeme-changeme-changeme', /placeholder words \("changeme"\)/],
    ['copied example', 'this-is-an-example-secret-value-0001', /placeholder words/],
    ['password', 'password-password-password-password', /placeholder words/],
    ['project name', 'GroundworkGroundworkGroundwork2024!', /placeholder words/],
    ['dev secret', 'dev-secret-for-local-use-only-please', /placeholder words/],
    ['development default', 'insecure-development-jwt-secret-never-use-in-production-0', /placeholder words/],
    ['repeated character', 'a'.repeat(40), /too little variety/],
    ['two characters', 'ab'.repeat(20), /too little variety/],
    ['repeated pattern', 'abcd1234'.repeat(5), /too little entropy/],
    ['repeated row of keys', 'qwertyuiop'.repeat(4), /too little entropy/],
  ])('when the secret is a %s, then it is refused', (_case, value, reason) => {
    expect(weakSecretReason(value)).toMatch(reason);
  });

  test('when the secret is long and random, then it is accepted', () => {
    expect(weakSecretReason('q7Vh2LmX9pRt4sWz8NbK3cYf6GdJ1aUe')).toBeNull();
  });

  test('when a random secret happens to contain "dev", "test" or "xxx", then it is still accepted', () => {
    expect(weakSecretReason('q7Vh2LmDEVpRt4sWz8NbK3cYf6GdJ1aUe+w/Tq0=')).toBeNull();
    expect(weakSecretReason('TeSt9pRt4sWz8NbK3cYf6GdJ1aUeq7Vh2Lm/xXx=')).toBeNull();
  });

  test('when 10,000 random 32-byte secrets are judged, in base64 and in hex, then every one is accepted', () => {
    const refused = Array.from({ length: 10_000 }, () => randomBytes(32)).flatMap((bytes) =>
      [bytes.toString('base64'), bytes.toString('base64url'), bytes.toString('hex')].filter(
        (secret) => weakSecretReason(secret, 43) !== null,
      ),
    );

    expect(refused).toEqual([]);
  });

  test('when a shorter minimum is given, then that minimum applies', () => {
    expect(weakSecretReason('Zq8vN3kLp2Xr7Tw9', 16)).toBeNull();
    expect(weakSecretReason('Zq8vN3kLp2Xr7Tw', 16)).toMatch(/shorter than 16/);
  });
});
