import { describe, expect, it } from 'vitest';

import { asciiOnly } from './ascii-output.js';

describe('asciiOnly', () => {
  it('when a comment holds non-ASCII characters, then they become escapes and the rest is unchanged', () => {
    expect(asciiOnly('const a = 1; // one — then → two\n')).toBe('const a = 1; // one \\u2014 then \\u2192 two\n');
  });

  it('when code would hold one, then the escaped text evaluates to the same value', () => {
    const source = "return ['¥ — 😀', /é+/.test('éé')];";
    const rewritten = asciiOnly(source);
    expect(rewritten).toMatch(/^[\0-\x7F]*$/);
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- evaluating the rewritten source is the point
    const evaluate = (code: string) => (new Function(code) as () => unknown)();
    expect(evaluate(rewritten)).toEqual(evaluate(source));
  });

  it('when the source is already ASCII, then it is returned as it is', () => {
    const source = 'export const x = "plain";\n';
    expect(asciiOnly(source)).toBe(source);
  });
});
