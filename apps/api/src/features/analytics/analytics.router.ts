import { planProcedure } from '../../trpc/procedures.js';
import { router } from '../../trpc/t.js';
import { organizationInput } from '../organizations/organizations.schema.js';

export const analyticsRouter = router({
  /** The seed's plan-gated example: usage of gated procedures, shown against the plan's limits. */
  dashboard: planProcedure('analytics')
    .input(organizationInput)
    .query(({ ctx, input }) => ctx.services.analytics.dashboard(input.organizationId, ctx.entitlements)),
});
