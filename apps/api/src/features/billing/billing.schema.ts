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

export const planKeyOutput = z.enum(['free', 'pro', 'business']);
export const limitsOutput = z.object({ gatedCallsPerDay: z.number(), members: z.number() });

export const entitlementsOutput = z.object({
  plan: planKeyOutput,
  subscribedPlan: planKeyOutput.nullable(),
  status: z.string(),
  reason: z.string(),
  features: z.record(z.string(), z.boolean()),
  limits: limitsOutput,
  validUntil: z.date().nullable(),
});

export const plansOutput = z.array(
  z.object({
    key: planKeyOutput,
    name: z.string(),
    features: z.record(z.string(), z.boolean()),
    limits: limitsOutput,
    intervals: z.array(z.enum(['month', 'year'])),
  }),
);
