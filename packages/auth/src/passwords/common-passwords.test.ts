import { describe, expect, test } from 'vitest';

import { commonPasswordCount, guessableForms, isCommonPassword } from './common-passwords.js';
import commonPasswordList from './data/common-passwords.json' with { type: 'json' };

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

  test('when any entry of the list is checked, then it is found: the compact sorted layout loses none (ADR 036)', () => {
    const entries = commonPasswordList.split('\n').filter(Boolean);

    expect(commonPasswordCount).toBe(new Set(entries).size);
    expect(entries.filter((entry) => !isCommonPassword(entry))).toEqual([]);
  });

  test('when a text sorts right next to entries but is none of them, then it is not found', () => {
    // A control character survives every normalisation, so no form of these is on the list.
    const neighbours = commonPasswordList
      .split('\n')
      .filter(Boolean)
      .slice(0, 2_000)
      .map((entry) => `${entry}\u0001`);

    expect(neighbours.filter((text) => isCommonPassword(text))).toEqual([]);
  });
});
