import fc from 'fast-check';
import { describe, expect, test } from 'vitest';

import { commonPasswordCount, MAX_PASSWORD_BYTES, passwordProblem } from './password-policy.js';

describe('passwordProblem', () => {
  test('when the common-password list is loaded, then it holds about a hundred thousand entries', () => {
    expect(commonPasswordCount).toBeGreaterThan(90_000);
  });

  test.each(['password', 'Password', '12345678', 'qwertyuiop', 'iloveyou'])(
    'when the password is the common "%s", then it is refused',
    (password) => {
      expect(passwordProblem(password)).toMatch(/too common/);
    },
  );

  test.each([
    'Password1!',
    'passw0rd!',
    'welcome1!',
    'P@ssw0rd',
    'Welcome2024!!',
    'iloveyou123',
    'dr4g0n#1',
    'Sunsh1ne?',
  ])(
    'when "%s" is a common password with digits or symbols added or letters swapped, then it is refused',
    (password) => {
      expect(passwordProblem(password)).toMatch(/too common/);
    },
  );

  test.each([
    'correct horse battery staple',
    'password manager keeps 4 lanterns',
    'welcome-to-the-orchard-58',
    'Gw!lantern-kettle',
    'q7Vh2LmX9pRt4sWz8NbK',
  ])('when "%s" only contains a common word, then it is accepted (the whole password is compared)', (password) => {
    expect(passwordProblem(password)).toBeNull();
  });

  test('when a random string ends in digits after a stem too short to be a word, then it is accepted', () => {
    expect(passwordProblem('zq#58217!')).toBeNull();
  });

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
