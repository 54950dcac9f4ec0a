import { describe, expect, test } from 'vitest';

import { guessableForms, isCommonPassword } from './common-passwords.js';

describe('guessableForms', () => {
  test('when letters are swapped for look-alikes and symbols appended, then the plain word is among the forms', () => {
    expect(guessableForms('P@ssw0rd1!')).toContain('password');
  });

  test('when a 1 stands for an l or an i, then both readings are among the forms', () => {
    const forms = guessableForms('1ove1y');
    expect(forms).toContain('lovely');
    expect(forms).toContain('ioveiy');
  });

  test('when the stem left after stripping is shorter than 4 characters, then it is not a form', () => {
    expect(guessableForms('ab!!!!!!')).not.toContain('ab');
  });

  test('when the text is already plain, then it is kept as typed and lower-cased', () => {
    expect(guessableForms('Orchard')).toEqual(new Set(['Orchard', 'orchard']));
  });
});

describe('isCommonPassword', () => {
  test('when only a substring is common, then the password is not common', () => {
    expect(isCommonPassword('dragonfly-meadow-teapot')).toBe(false);
    expect(isCommonPassword('dragon')).toBe(true);
  });
});
