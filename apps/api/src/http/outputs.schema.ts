import { z } from 'zod';

/**
 * Output schemas of the REST-exposed procedures: they document the responses
 * in /openapi.json and are checked by tRPC, so the documentation cannot drift
 * from what the API sends.
 */
export const okOutput = z.object({ ok: z.literal(true) });

const role = z.enum(['owner', 'admin', 'member']);

export const organizationOutput = z.object({
  id: z.string(),
  name: z.string(),
  personal: z.boolean(),
  createdAt: z.date(),
});

export const membersOutput = z.array(
  z.object({ userId: z.string(), email: z.string(), displayName: z.string(), role, joinedAt: z.date() }),
);

const planKey = z.enum(['free', 'pro', 'business']);
const limits = z.object({ gatedCallsPerDay: z.number(), members: z.number() });

export const entitlementsOutput = z.object({
  plan: planKey,
  subscribedPlan: planKey.nullable(),
  status: z.string(),
  reason: z.string(),
  features: z.record(z.string(), z.boolean()),
  limits,
  validUntil: z.date().nullable(),
});

export const plansOutput = z.array(
  z.object({
    key: planKey,
    name: z.string(),
    features: z.record(z.string(), z.boolean()),
    limits,
    intervals: z.array(z.enum(['month', 'year'])),
  }),
);

export const dashboardOutput = z.object({
  plan: planKey,
  limits,
  today: z.object({ day: z.string(), gatedCalls: z.number(), limit: z.number() }),
  days: z.array(z.object({ day: z.string(), gatedCalls: z.number() })),
});

export const planLimitsOutput = z.object({ plan: planKey, limits });

export const systemStatusOutput = z.object({ status: z.literal('ok'), version: z.string(), uptimeSeconds: z.number() });
