import type { IncomingMessage } from 'node:http';

import { describe, expect, test } from 'vitest';

import { requestIdFor } from './request-context.js';

const requestWith = (header: string | string[] | undefined) =>
  ({ headers: header === undefined ? {} : { 'x-request-id': header } }) as unknown as IncomingMessage;

describe('requestIdFor', () => {
  test.each(['abc-123', 'trace.id:42_x', 'a'.repeat(128)])('when the incoming id is %s, then it is kept', (id) => {
    expect(requestIdFor(requestWith(id))).toBe(id);
  });

  test.each([
    ['too long', 'a'.repeat(129)],
    ['with spaces', 'a b'],
    ['with quotes', 'x"level":"fatal"'],
    ['empty', ''],
    ['repeated header', ['a', 'b']],
  ])('when the incoming id is %s, then a new uuid replaces it', (_case, header) => {
    expect(requestIdFor(requestWith(header))).toMatch(/^[0-9a-f-]{36}$/);
  });
});
