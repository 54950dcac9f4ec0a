import { initTRPC } from '@trpc/server';
import type { OpenApiMeta } from 'trpc-to-openapi';

import type { Context } from './context.js';
import { formatError } from './error-formatter.js';

/** The only initTRPC call. Stacks never reach clients: `isDev` stays off and the formatter decides. */
const t = initTRPC.meta<OpenApiMeta>().context<Context>().create({
  isDev: false,
  errorFormatter: formatError,
});

export const router = t.router;
export const middleware = t.middleware;
export const createCallerFactory = t.createCallerFactory;
export const baseProcedure = t.procedure;
