/**
 * Baseline the goals are measured against: stock tRPC v11 mounted on Express 5
 * with default settings and a zod input, echoing it. The port comes as the first argument.
 */
import { initTRPC } from '@trpc/server';
import { createExpressMiddleware } from '@trpc/server/adapters/express';
import express from 'express';
import { z } from 'zod';

import { benchPort } from './port.js';

const t = initTRPC.create();
const router = t.router({
  echo: t.procedure.input(z.object({ text: z.string() })).query(({ input }) => input),
});

const app = express();
app.use('/trpc', createExpressMiddleware({ router }));
app.listen(benchPort(), '127.0.0.1');
