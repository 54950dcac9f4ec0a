import fc from 'fast-check';
import { describe, expect, test } from 'vitest';

import { commonPasswordCount, MAX_PASSWORD_BYTES, passwordProblem } from './password-policy.js';

describe('passwordProblem', () => {
  test('when the common-password list is loaded, then it holds tens of thousands of entries', () => {
    expect(commonPasswordCount).toBeGreaterThan(10_000);
  });

  test.each(['password', 'Password', '12345678', 'qwertyuiop', 'iloveyou'])(
    'when the password is the common "%s", then it is refused',
    (password) => {
      expect(passwordProblem(password)).toMatch(/too common/);
    },
  );

  test('when shorter than 8 characters, then it is refused', () => {
    expect(passwordProblem('Xk9#vQ2')).toMatch(/at least 8/);
  });

  test('when exactly 72 bytes, then it is accepted; at 73 bytes it is refused', () => {
    expect(passwordProblem('x7Q!'.repeat(18))).toBeNull();
    expect(passwordProblem(`${'x7Q!'.repeat(18)}a`)).toMatch(/at most 72 bytes/);
  });

  test('when 30 characters are 90 bytes of UTF-8, then it is refused by bytes, not characters', () => {
    const threeBytesEach = '€'.repeat(30);
    expect(threeBytesEach.length).toBe(30);
    expect(passwordProblem(threeBytesEach)).toMatch(/at most 72 bytes/);
  });

  test('when it has surrounding spaces, then they are part of the password (no trimming)', () => {
    expect(passwordProblem('  Xk9#vQ2  ')).toBeNull();
    expect(passwordProblem('  abc  ')).toMatch(/at least 8/);
  });

  test('when any string is checked, then the verdict matches the byte and length rules', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 120 }), (password) => {
        const problem = passwordProblem(password);
        const bytes = Buffer.byteLength(password, 'utf8');
        if ([...password].length < 8) expect(problem).toMatch(/at least 8/);
        else if (bytes > MAX_PASSWORD_BYTES) expect(problem).toMatch(/at most 72 bytes/);
        else if (problem) expect(problem).toMatch(/NUL|too common/);
      }),
    );
  });
});
