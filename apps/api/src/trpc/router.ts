import { analyticsRouter } from '../features/analytics/analytics.router.js';
import { apiKeysRouter } from '../features/api-keys/api-keys.router.js';
import { authRouter } from '../features/auth/auth.router.js';
import { billingRouter } from '../features/billing/billing.router.js';
import { organizationsRouter } from '../features/organizations/organizations.router.js';
import { systemRouter } from '../features/system/system.router.js';
import { router } from './t.js';

export const appRouter = router({
  analytics: analyticsRouter,
  apiKeys: apiKeysRouter,
  auth: authRouter,
  billing: billingRouter,
  organizations: organizationsRouter,
  system: systemRouter,
});

/** Imported (as a type only) by clients for end-to-end typing. */
export type AppRouter = typeof appRouter;
