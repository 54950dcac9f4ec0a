import type { Feature } from '@groundwork/billing';
import type { Role } from '@groundwork/db';

import { mapAppError } from './middlewares/map-app-error.js';
import { observeProcedure } from './middlewares/observe-procedure.js';
import { rateLimit } from './middlewares/rate-limit.js';
import { requireFeature } from './middlewares/require-feature.js';
import { requireMembership } from './middlewares/require-membership.js';
import { requireRecentAuthentication } from './middlewares/require-recent-authentication.js';
import { requireSession } from './middlewares/require-session.js';
import { organizationScope } from './organization-scope.js';
import { baseProcedure } from './t.js';

/** Anyone may call; each call counts against the default per-IP limit. Domain errors map to tRPC codes. */
export const publicProcedure = baseProcedure.use(observeProcedure).use(mapAppError).use(rateLimit('default'));

/** A valid, unrevoked access token is required; `ctx.session` is non-null downstream. */
export const protectedProcedure = publicProcedure.use(requireSession);

/**
 * Sensitive actions (password, 2FA settings, API keys, account deletion): a
 * signed-in caller who authenticated within the step-up window, else FORBIDDEN
 * with `data.details.reason === 'STEP_UP_REQUIRED'` (auth.reauthenticate, then retry).
 * Organization procedures compose it: `recentAuthProcedure.input(...).use(requireMembership(role))`.
 */
export const recentAuthProcedure = protectedProcedure.use(requireRecentAuthentication);

/**
 * Input carries `organizationId`; the caller must be a member with at least
 * `minimumRole` (read from the database per call). Adds `ctx.membership`.
 * Procedures add their own strict input including `organizationId`.
 */
export const organizationProcedure = (minimumRole: Role = 'member') =>
  protectedProcedure.input(organizationScope).use(requireMembership(minimumRole));

/**
 * Plan-gated: an organization procedure whose organization must be entitled
 * to `feature`, else PAYMENT_REQUIRED. Adds `ctx.entitlements`.
 */
export const planProcedure = (feature: Feature) => organizationProcedure('member').use(requireFeature(feature));
