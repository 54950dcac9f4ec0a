import { describe, expect, test } from 'vitest';

import { onFirstUse } from './on-first-use.js';

describe('onFirstUse (the lazily loaded REST view and OpenAPI generator, ADR 048)', () => {
  test('when called many times, then the value is made once and shared', async () => {
    let made = 0;
    const value = onFirstUse(() => Promise.resolve(++made));

    const results = await Promise.all([value(), value(), value()]);

    expect(results).toEqual([1, 1, 1]);
    expect(await value()).toBe(1);
  });

  test('when making it fails, then that caller sees the failure and the next call tries again', async () => {
    let attempts = 0;
    const value = onFirstUse(() => {
      attempts += 1;
      return attempts === 1 ? Promise.reject(new Error('module not found')) : Promise.resolve('loaded');
    });

    await expect(value()).rejects.toThrow('module not found');
    expect(await value()).toBe('loaded');
    expect(attempts).toBe(2);
  });
});
