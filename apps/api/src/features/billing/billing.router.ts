import { z } from 'zod';

import { organizationProcedure, publicProcedure } from '../../trpc/procedures.js';
import { router } from '../../trpc/t.js';
import { organizationInput } from '../organizations/organizations.schema.js';
import { checkoutInput, syncCheckoutInput } from './billing.schema.js';

export const billingRouter = router({
  plans: publicProcedure.input(z.void()).query(({ ctx }) => ctx.services.billing.service.plans()),

  subscription: organizationProcedure('member')
    .input(organizationInput)
    .query(({ ctx, input }) => ctx.services.entitlements.get(input.organizationId)),

  createCheckoutSession: organizationProcedure('admin')
    .input(checkoutInput)
    .mutation(({ ctx, input }) =>
      ctx.services.billing.service.createCheckoutSession(input.organizationId, {
        plan: input.plan,
        interval: input.interval,
      }),
    ),

  createPortalSession: organizationProcedure('admin')
    .input(organizationInput)
    .mutation(({ ctx, input }) => ctx.services.billing.service.createPortalSession(input.organizationId)),

  syncCheckout: organizationProcedure('member')
    .input(syncCheckoutInput)
    .mutation(async ({ ctx, input }) => {
      await ctx.services.billing.service.syncCheckout(input.organizationId, input.sessionId);
      ctx.services.entitlements.invalidate(input.organizationId);
      return ctx.services.entitlements.get(input.organizationId);
    }),
});
