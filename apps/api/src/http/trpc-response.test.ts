import { describe, expect, test } from 'vitest';

import { TrpcResponse } from './trpc-response.js';

type Init = ResponseInit & { headers?: Headers };

/** What a reader of either response sees: status, headers, body present, text. */
async function observed(response: Response | TrpcResponse) {
  return {
    status: response.status,
    headers: [...response.headers],
    hasBody: response.body !== null,
    text: await response.text(),
  };
}

const jsonHeaders = () =>
  new Headers([
    ['vary', 'trpc-accept, accept'],
    ['content-type', 'application/json'],
  ]);

describe('TrpcResponse answers as a Fetch Response would (ADR 044)', () => {
  test.each<[string, string | null, () => Init]>([
    ['a JSON result, as tRPC answers a query', '{"result":{"data":{"ok":true}}}', () => ({ headers: jsonHeaders() })],
    ['an error with its status', '{"error":{"code":-32600}}', () => ({ status: 400, headers: jsonHeaders() })],
    ['a HEAD request: no body, 204', null, () => ({ status: 204 })],
    ['text without a content type gets text/plain', 'plain', () => ({ status: 500, headers: new Headers() })],
    ['a default status of 200 and no headers given', '', () => ({})],
    [
      'cookies stay separate values',
      '{}',
      () => ({
        headers: new Headers([
          ['set-cookie', 'a=1'],
          ['set-cookie', 'b=2'],
        ]),
      }),
    ],
  ])('when built for %s, then it reads as a Fetch Response would', async (_name, body, init) => {
    const light = new TrpcResponse(body, init());
    expect(await observed(light)).toEqual(await observed(new Response(body, init())));
    expect(light.headers.getSetCookie()).toEqual(new Response(body, init()).headers.getSetCookie());
    expect(light.bodyText).toBe(body);
  });

  test('when given a stream body, then a real Response carries it: same status, headers and bytes, no bodyText', async () => {
    const stream = () => new Blob(['{"a":1}\n', '{"b":2}\n']).stream();
    const init = () => ({ status: 207, headers: new Headers([['content-type', 'application/jsonl']]) });
    const light = new TrpcResponse(stream(), init());
    expect(light.bodyText).toBeUndefined();
    expect(await observed(light)).toEqual(await observed(new Response(stream(), init())));
  });

  test('when the stock adapters read `body` of a text answer, then they get a stream of it', async () => {
    const body = new TrpcResponse('{"result":{}}', { headers: jsonHeaders() }).body;
    expect(body).not.toBeNull();
    expect(await new Response(body).text()).toBe('{"result":{}}');
  });

  test.each<[string, string | null, number, typeof RangeError | typeof TypeError]>([
    ['a status below 200', 'x', 199, RangeError],
    ['a status above 599', null, 600, RangeError],
    ['a body with a null-body status', 'x', 204, TypeError],
  ])('when given %s, then it throws the error type Fetch throws', (_name, body, status, errorType) => {
    expect(() => new Response(body, { status })).toThrow(errorType);
    expect(() => new TrpcResponse(body, { status })).toThrow(errorType);
  });
});
