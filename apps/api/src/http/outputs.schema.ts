import { z } from 'zod';

import { organizationOutput, roleOutput } from '../features/organizations/organizations.public.js';

/**
 * Output schemas of the REST-exposed auth procedures (each other feature keeps
 * its own in <feature>.schema.ts): they document the responses in /openapi.json
 * and are checked by tRPC, so the documentation cannot drift from what the API sends.
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

export const meOutput = z.object({
  user: publicUserOutput,
  memberships: z.array(z.object({ organization: organizationOutput, role: roleOutput })),
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
