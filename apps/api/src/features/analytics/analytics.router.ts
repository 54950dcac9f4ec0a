import { dashboardOutput } from '../../http/outputs.schema.js';
import { planProcedure } from '../../trpc/procedures.js';
import { router } from '../../trpc/t.js';
import { organizationInput } from '../organizations/organizations.schema.js';

export const analyticsRouter = router({
  /** The seed's plan-gated example: usage of gated procedures, shown against the plan's limits. */
  dashboard: planProcedure('analytics')
    .meta({
      openapi: {
        method: 'GET',
        path: '/analytics/dashboard',
        tags: ['analytics'],
        protect: true,
        summary: 'Usage against the plan (needs analytics)',
      },
    })
    .input(organizationInput)
    .output(dashboardOutput)
    .query(({ ctx, input }) => ctx.services.analytics.dashboard(input.organizationId, ctx.entitlements)),
});
