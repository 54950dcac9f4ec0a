import { z } from 'zod';

import { publicProcedure } from '../../trpc/procedures.js';
import { router } from '../../trpc/t.js';

export const systemRouter = router({
  /** Which build is answering, for clients that show it or check compatibility. */
  status: publicProcedure.input(z.void()).query(({ ctx }) => ctx.services.system.status()),
});
