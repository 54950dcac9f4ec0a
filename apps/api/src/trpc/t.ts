import { initTRPC } from '@trpc/server';
import type { OpenApiMeta } from 'trpc-to-openapi';

import type { Context } from './context.js';
import { formatError } from './error-formatter.js';

/** What a procedure declares about itself beyond its REST mapping. */
export type ProcedureMeta = OpenApiMeta<{
  /** Set by `memberOrKeyProcedure`: an organization API key may call it (the OpenAPI document says so). */
  acceptsApiKey?: boolean;
}>;

/** The only initTRPC call. Stacks never reach clients: `isDev` stays off and the formatter decides. */
const t = initTRPC.meta<ProcedureMeta>().context<Context>().create({
  isDev: false,
  errorFormatter: formatError,
});

export const router = t.router;
export const middleware = t.middleware;
export const createCallerFactory = t.createCallerFactory;
export const baseProcedure = t.procedure;
