import { z } from 'zod';

export const checkoutInput = z.strictObject({
  organizationId: z.uuid(),
  plan: z.enum(['pro', 'business']),
  interval: z.enum(['month', 'year']).default('month'),
});

export const syncCheckoutInput = z.strictObject({
  organizationId: z.uuid(),
  sessionId: z.string().regex(/^cs_(test|live)_\w{1,200}$/, 'expected a Checkout Session id'),
});
