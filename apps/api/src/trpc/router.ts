import { systemRouter } from '../features/system/system.router.js';
import { router } from './t.js';

export const appRouter = router({
  system: systemRouter,
});

/** Imported (as a type only) by clients for end-to-end typing. */
export type AppRouter = typeof appRouter;
