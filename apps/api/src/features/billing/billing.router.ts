import { z } from 'zod';

import {
  memberOrKeyProcedure,
  organizationProcedure,
  publicProcedure,
  verifiedOrganizationProcedure,
} from '../../trpc/procedures.js';
import { router } from '../../trpc/t.js';
import { organizationInput } from '../organizations/organizations.public.js';
import { checkoutInput, entitlementsOutput, plansOutput, syncCheckoutInput } from './billing.schema.js';

const tags = ['billing'];

export const billingRouter = router({
  plans: publicProcedure
    .meta({
      openapi: { method: 'GET', path: '/billing/plans', tags, summary: 'Plans, their features, limits and intervals' },
    })
    .input(z.void())
    .output(plansOutput)
    .query(({ ctx }) => ctx.services.billing.service.plans()),

  subscription: memberOrKeyProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/billing/subscription',
        tags,
        protect: true,
        summary: "The organization's plan and entitlements",
      },
    })
    .input(organizationInput)
    .output(entitlementsOutput)
    .query(({ ctx, input }) => ctx.services.entitlements.get(input.organizationId)),

  createCheckoutSession: verifiedOrganizationProcedure('admin')
    .meta({
      openapi: {
        method: 'POST',
        path: '/billing/checkout-sessions',
        tags,
        protect: true,
        summary: 'Start a Stripe Checkout for a paid plan',
      },
    })
    .input(checkoutInput)
    .output(z.object({ sessionId: z.string(), url: z.string().nullable() }))
    .mutation(({ ctx, input }) =>
      ctx.services.billing.service.createCheckoutSession(input.organizationId, {
        plan: input.plan,
        interval: input.interval,
      }),
    ),

  createPortalSession: organizationProcedure('admin')
    .meta({
      openapi: {
        method: 'POST',
        path: '/billing/portal-sessions',
        tags,
        protect: true,
        summary: 'Open the Stripe Customer Portal',
      },
    })
    .input(organizationInput)
    .output(z.object({ url: z.string() }))
    .mutation(({ ctx, input }) => ctx.services.billing.service.createPortalSession(input.organizationId)),

  syncCheckout: memberOrKeyProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/billing/checkout-sessions/sync',
        tags,
        protect: true,
        summary: 'Sync a completed checkout now (success page)',
      },
    })
    .input(syncCheckoutInput)
    .output(entitlementsOutput)
    .mutation(async ({ ctx, input }) => {
      await ctx.services.billing.service.syncCheckout(input.organizationId, input.sessionId);
      ctx.services.entitlements.invalidate(input.organizationId);
      return ctx.services.entitlements.get(input.organizationId);
    }),
});
