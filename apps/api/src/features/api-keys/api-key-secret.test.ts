import { describe, expect, test } from 'vitest';

import { generateApiKey, hashApiKey, hashIfWellFormed } from './api-key-secret.js';

describe('API key secrets', () => {
  test('when a key is generated, then it has the environment prefix, 43 + 6 base62 characters and hashes to its stored hash', () => {
    const { key, hash, prefix, lastFour } = generateApiKey('live');

    expect(key).toMatch(/^gw_live_[0-9A-Za-z]{49}$/);
    expect(prefix).toBe('gw_live_');
    expect(lastFour).toBe(key.slice(-4));
    expect(hash.equals(hashApiKey(key))).toBe(true);
    expect(hashIfWellFormed(key, 'live')?.equals(hash)).toBe(true);
  });

  test('when many keys are generated, then none repeats', () => {
    const keys = new Set(Array.from({ length: 1_000 }, () => generateApiKey('test').key));

    expect(keys.size).toBe(1_000);
  });

  test('when a character is changed, then the checksum refuses it before any lookup', () => {
    const { key } = generateApiKey('test');
    const flipped = key.slice(0, 20) + (key[20] === 'a' ? 'b' : 'a') + key.slice(21);

    expect(hashIfWellFormed(flipped, 'test')).toBeNull();
  });

  test('when a key of the other environment or a malformed one is presented, then it is refused', () => {
    expect(hashIfWellFormed(generateApiKey('test').key, 'live')).toBeNull();
    expect(hashIfWellFormed('gw_live_short', 'live')).toBeNull();
    expect(hashIfWellFormed('eyJhbGciOiJIUzI1NiJ9.e30.x', 'live')).toBeNull();
  });
});
