/**
 * A small router served by the product's tRPC handler, for `http/trpc-bundle.test.ts`: the test
 * runs it as source (tRPC as published) and bundled with the plugin (tRPC as production runs it)
 * and compares every answer. It uses the product's `t` (one initTRPC) and error formatter.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';

import { TRPCError } from '@trpc/server';
import { resolveResponse } from '@trpc/server/http';
import { z } from 'zod';

import { procedurePathOf } from '../http/direct-routes.js';
import { createTrpcHandler } from '../http/trpc-handler.js';
import { TrpcResponse } from '../http/trpc-response.js';
import type { Context } from '../trpc/context.js';
import { baseProcedure, router } from '../trpc/t.js';

/** A deferred the test awaits and the fixture settles. */
function deferred() {
  let settle: () => void = () => undefined;
  const happened = new Promise<void>((resolve) => {
    settle = resolve;
  });
  return { happened, settle };
}

/** `waitForClientToLeave` started, then saw its signal abort (both renewed by `fixtureListener`). */
export const leaving = { started: deferred(), left: deferred() };

/** `held` answers once the test settles this (renewed by `fixtureListener`). */
export const holding = { released: deferred() };

/** What the error formatter reads; the fixture's procedures read nothing from the context. */
const fixtureContext = { exposeErrorDetails: false, request: { requestId: 'fixture' } } as unknown as Context;

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
  held: baseProcedure.query(async () => {
    await holding.released.happened;
    return 'released';
  }),
  waitForClientToLeave: baseProcedure.query(
    ({ signal }) =>
      new Promise<string>((resolve) => {
        const leave = () => {
          leaving.left.settle();
          resolve('left');
        };
        leaving.started.settle();
        if (signal?.aborted) leave();
        else signal?.addEventListener('abort', leave, { once: true });
      }),
  ),
});

/**
 * Whether tRPC's `resolveResponse`, as this copy of the code has it, answers a query with a
 * `TrpcResponse` holding the JSON as text: true in the production bundle, false as published.
 */
export async function answersWithText(): Promise<boolean> {
  const response: unknown = await resolveResponse({
    router: fixtureRouter,
    req: new Request(`http://localhost/trpc/echo?input=${encodeURIComponent(JSON.stringify({ text: 'hi' }))}`),
    path: 'echo',
    error: null,
    createContext: () => Promise.resolve(fixtureContext),
  });
  return response instanceof TrpcResponse && typeof response.bodyText === 'string';
}

/** The fixture's request listener, with fresh `leaving` signals for the next leaving client. */
export function fixtureListener(): RequestListener {
  leaving.started = deferred();
  leaving.left = deferred();
  holding.released = deferred();
  const handle = createTrpcHandler<Context, IncomingMessage, ServerResponse>({
    router: fixtureRouter,
    createContext: () => Promise.resolve(fixtureContext),
    maxBodySize: 1024,
    maxBatchSize: 5,
    responseMeta: ({ paths }) =>
      paths?.includes('withCookie') ? { headers: { 'set-cookie': ['a=1; HttpOnly', 'b=2; Secure'] } } : {},
    onError: () => undefined,
  });
  return (req, res) => void handle(req, res, procedurePathOf(req.url ?? '', '/trpc'));
}
