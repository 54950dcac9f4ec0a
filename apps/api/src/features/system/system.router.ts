import { z } from 'zod';

import { publicProcedure } from '../../trpc/procedures.js';
import { router } from '../../trpc/t.js';
import { systemStatusOutput } from './system.schema.js';

export const systemRouter = router({
  /** Which build is answering, for clients that show it or check compatibility. */
  status: publicProcedure
    .meta({ openapi: { method: 'GET', path: '/system/status', tags: ['system'], summary: 'Which build is answering' } })
    .input(z.void())
    .output(systemStatusOutput)
    .query(({ ctx }) => ctx.services.system.status()),
});
