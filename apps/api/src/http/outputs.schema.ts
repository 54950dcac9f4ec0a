import { z } from 'zod';

/**
 * Output schemas of the REST-exposed procedures: they document the responses
 * in /openapi.json and are checked by tRPC, so the documentation cannot drift
 * from what the API sends.
 */
export const okOutput = z.object({ ok: z.literal(true) });

export const publicUserOutput = z.object({
  id: z.string(),
  email: z.string(),
  displayName: z.string(),
  emailVerifiedAt: z.date().nullable(),
  createdAt: z.date(),
});

export const tokensOutput = z.object({
  accessToken: z.string(),
  accessTokenExpiresAt: z.date(),
  /** Absent in cookie mode (AUTH_REFRESH_COOKIE=true): the refresh token is then an HttpOnly cookie. */
  refreshToken: z.string().optional(),
  sessionExpiresAt: z.date(),
  sessionId: z.string(),
});

const role = z.enum(['owner', 'admin', 'member']);

export const organizationOutput = z.object({
  id: z.string(),
  name: z.string(),
  personal: z.boolean(),
  createdAt: z.date(),
});

export const meOutput = z.object({
  user: publicUserOutput,
  memberships: z.array(z.object({ organization: organizationOutput, role })),
});

export const sessionsOutput = z.array(
  z.object({
    sessionId: z.string(),
    createdAt: z.date(),
    lastRefreshedAt: z.date(),
    expiresAt: z.date(),
    userAgent: z.string().nullable(),
    ip: z.string().nullable(),
    current: z.boolean(),
  }),
);

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
