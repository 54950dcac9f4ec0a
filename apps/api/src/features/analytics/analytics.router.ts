import { planProcedure } from '../../trpc/procedures.js';
import { router } from '../../trpc/t.js';
import { organizationInput } from '../organizations/organizations.public.js';
import { dashboardOutput, planLimitsOutput } from './analytics.schema.js';

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

  /**
   * The limits the dashboard is drawn against, without the usage read: the
   * gate's answer alone (no I/O after it), so it is also the benchmark's
   * measure of what the plan gate itself costs.
   */
  limits: planProcedure('analytics')
    .meta({
      openapi: {
        method: 'GET',
        path: '/analytics/limits',
        tags: ['analytics'],
        protect: true,
        summary: 'The plan and its limits (needs analytics)',
      },
    })
    .input(organizationInput)
    .output(planLimitsOutput)
    .query(({ ctx }) => ({ plan: ctx.entitlements.plan, limits: ctx.entitlements.limits })),
});
