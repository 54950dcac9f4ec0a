/** Baseline: stock tRPC v11 on its standalone adapter with superjson, echoing a zod input. The port comes as the first argument. */
import { initTRPC } from '@trpc/server';
import { createHTTPServer } from '@trpc/server/adapters/standalone';
import superjson from 'superjson';
import { z } from 'zod';

import { benchPort } from './port.js';

const t = initTRPC.create({ transformer: superjson });
const router = t.router({
  echo: t.procedure.input(z.object({ text: z.string() })).query(({ input }) => input),
});

createHTTPServer({ router, basePath: '/trpc/' }).listen(benchPort(), '127.0.0.1');
