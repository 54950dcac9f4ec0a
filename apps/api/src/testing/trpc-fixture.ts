/**
 * A small router served by the product's tRPC handler, for `http/trpc-bundle.test.ts`: the test
 * runs it as source (tRPC as published) and bundled with the plugin (tRPC as production runs it)
 * and compares every answer. It uses the product's `t` (one initTRPC) and error formatter.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';

import { TRPCError } from '@trpc/server';
import { z } from 'zod';

import { procedurePathOf } from '../http/direct-routes.js';
import { createTrpcHandler } from '../http/trpc-handler.js';
import type { Context } from '../trpc/context.js';
import { baseProcedure, router } from '../trpc/t.js';

/** Resolves once a call to `waitForClientToLeave` saw its signal abort (renewed by `fixtureListener`). */
export let clientLeft: Promise<void> = Promise.resolve();
let markLeft: () => void = () => undefined;

const fixtureRouter = router({
  echo: baseProcedure.input(z.object({ text: z.string().max(10) })).query(({ input }) => ({ text: input.text })),
  add: baseProcedure.input(z.object({ a: z.number(), b: z.number() })).mutation(({ input }) => input.a + input.b),
  refuse: baseProcedure.query(() => {
    throw new TRPCError({ code: 'CONFLICT', message: 'refused on purpose' });
  }),
  crash: baseProcedure.query(() => {
    throw new Error('internal detail that must not leak');
  }),
  withCookie: baseProcedure.query(() => 'cookie set'),
  waitForClientToLeave: baseProcedure.query(
    ({ signal }) =>
      new Promise<string>((resolve) => {
        signal?.addEventListener(
          'abort',
          () => {
            markLeft();
            resolve('left');
          },
          { once: true },
        );
      }),
  ),
});

/** The fixture's request listener, with a fresh `clientLeft` promise for the next leaving client. */
export function fixtureListener(): RequestListener {
  clientLeft = new Promise<void>((resolve) => {
    markLeft = resolve;
  });
  const handle = createTrpcHandler<Context, IncomingMessage, ServerResponse>({
    router: fixtureRouter,
    // What the error formatter reads; the fixture's procedures read nothing from the context.
    createContext: () =>
      Promise.resolve({ exposeErrorDetails: false, request: { requestId: 'fixture' } } as unknown as Context),
    maxBodySize: 1024,
    maxBatchSize: 5,
    responseMeta: ({ paths }) =>
      paths?.includes('withCookie') ? { headers: { 'set-cookie': ['a=1; HttpOnly', 'b=2; Secure'] } } : {},
    onError: () => undefined,
  });
  return (req, res) => void handle(req, res, procedurePathOf(req.url ?? '', '/trpc'));
}
