import type { Feature } from '@groundwork/billing';
import type { Role } from '@groundwork/db';

import { observeProcedure } from './middlewares/observe-procedure.js';
import { requireMemberOrKey } from './middlewares/require-member-or-key.js';
import { requireMembership } from './middlewares/require-membership.js';
import { requirePlanAccess } from './middlewares/require-plan-access.js';
import { requireRecentAuthentication } from './middlewares/require-recent-authentication.js';
import { requireSession } from './middlewares/require-session.js';
import { requireVerifiedEmail } from './middlewares/require-verified-email.js';
import { organizationScope } from './organization-scope.js';
import { baseProcedure } from './t.js';

/** Anyone may call; each call counts against the default per-IP limit (in `observeProcedure`). Domain errors map to tRPC codes. */
export const publicProcedure = baseProcedure.use(observeProcedure);

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
 * Verified-address policy (issue 13): actions that spend money or reach other
 * people need a user who followed the verification link, else FORBIDDEN with
 * `data.details.reason === 'EMAIL_NOT_VERIFIED'`. The procedures built on it are
 * exactly these; extend the list when you add one:
 * - billing.createCheckoutSession
 * - organizations.invite
 */
export const verifiedOrganizationProcedure = (minimumRole: Role = 'member') =>
  organizationProcedure(minimumRole).use(requireVerifiedEmail);

/**
 * An organization procedure that is also sensitive (minting API keys): the
 * caller's role as above, and an authentication within the step-up window.
 */
export const recentOrganizationProcedure = (minimumRole: Role = 'member') =>
  recentAuthProcedure.input(organizationScope).use(requireMembership(minimumRole));

/**
 * What any member may do, callable with a member's session or with an API key of the
 * organization within its scopes (read: queries, write: mutations). Adds `ctx.principal`
 * (`user` or `apiKey`) and `ctx.membership`; there is no `ctx.session` guarantee here.
 */
export const memberOrKeyProcedure = publicProcedure
  .meta({ acceptsApiKey: true })
  .input(organizationScope)
  .use(requireMemberOrKey);

/**
 * Plan-gated: a member-or-key procedure whose organization must be entitled
 * to `feature`, else PAYMENT_REQUIRED. Adds `ctx.entitlements`. Both checks
 * run in one middleware, the same as `memberOrKeyProcedure.use(requireFeature)`
 * was, with one step fewer on the hot path (ADR 036); it reads `organizationId`
 * from the raw input, so the procedure's own `.input(...)` must include it (ADR 043).
 */
export const planProcedure = (feature: Feature) =>
  publicProcedure.meta({ acceptsApiKey: true }).use(requirePlanAccess(feature));
