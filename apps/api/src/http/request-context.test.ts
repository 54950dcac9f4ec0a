import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { Writable } from 'node:stream';

import { createLogger } from '@groundwork/core';
import { describe, expect, test, vi } from 'vitest';

import { requestContext, requestIdFor, requestLog } from './request-context.js';

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

/** A request and response as `requestContext` sees them, sent with `statusCode` once `finish` is called. */
function exchange(url: string) {
  const req = new IncomingMessage(new Socket());
  req.method = 'POST';
  req.url = url;
  const res = new ServerResponse(req);
  return {
    req,
    res,
    finish: (statusCode: number) => {
      res.statusCode = statusCode;
      Object.defineProperty(res, 'writableFinished', { value: true });
      res.emit('close');
    },
  };
}

function capturedLogger() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      callback();
    },
  });
  return { logger: createLogger({ service: 'api', level: 'info' }, sink), lines };
}

describe('requestContext', () => {
  test('when a request only completes, then its access line carries method, path, id, status and time, and no request logger was made', async () => {
    const { logger, lines } = capturedLogger();
    const makeChild = vi.spyOn(logger, 'child');
    const middleware = requestContext(logger);
    makeChild.mockClear(); // the access logger, made once
    const { req, res, finish } = exchange('/trpc/auth.login?input=secret-ish');

    middleware(req, res, () => undefined);
    finish(200);
    await vi.waitFor(() => expect(lines).toHaveLength(1));

    expect(lines[0]).toMatchObject({
      msg: 'request completed',
      level: 'info',
      req: { method: 'POST', path: '/trpc/auth.login' },
      reqId: req.id,
      res: { statusCode: 200 },
    });
    expect(lines[0]?.responseTime).toEqual(expect.any(Number));
    expect(JSON.stringify(lines[0])).not.toContain('secret-ish');
    expect(makeChild).not.toHaveBeenCalled();
  });

  test('when something logs for the request, then its lines carry the request id, method and path, and secrets are still redacted', async () => {
    const { logger, lines } = capturedLogger();
    const { req, res } = exchange('/trpc/auth.changePassword');
    requestContext(logger)(req, res, () => undefined);

    requestLog(req).warn({ input: { currentPassword: 'hunter2-hunter2' } }, 'something odd');
    await vi.waitFor(() => expect(lines).toHaveLength(1));

    expect(lines[0]).toMatchObject({
      msg: 'something odd',
      reqId: req.id,
      req: { method: 'POST', path: '/trpc/auth.changePassword' },
      input: { currentPassword: '[redacted]' },
    });
    expect(requestLog(req)).toBe(requestLog(req));
  });

  test('when a request did not pass requestContext, then asking for its logger fails loudly', () => {
    expect(() => requestLog(exchange('/x').req)).toThrow(/did not pass requestContext/);
  });
});
