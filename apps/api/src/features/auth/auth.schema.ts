import { MAX_PASSWORD_BYTES, REFRESH_TOKEN_PATTERN } from '@groundwork/auth';
import { z } from 'zod';

import { safeText } from '../../http/shared.schema.js';
import { organizationOutput, roleOutput } from '../organizations/organizations.public.js';

export const emailInput = z
  .string()
  .trim()
  .toLowerCase()
  .max(254)
  .pipe(z.email({ error: 'expected an e-mail address' }));

/** Length in bytes is judged by the password policy; this only bounds what is parsed at all. */
export const passwordInput = z.string().min(1).max(1024);

/** A new password: the byte limit is checked here too, so the client gets it as a field error. */
export const newPasswordInput = passwordInput.refine(
  (value) => Buffer.byteLength(value, 'utf8') <= MAX_PASSWORD_BYTES,
  `must be at most ${MAX_PASSWORD_BYTES} bytes in UTF-8 (bcrypt ignores anything longer)`,
);

export const refreshTokenInput = z.string().regex(REFRESH_TOKEN_PATTERN, 'expected a refresh token');

export const signupInput = z.strictObject({
  email: emailInput,
  password: newPasswordInput,
  displayName: safeText(100).trim().min(1),
});
export type SignupInput = z.infer<typeof signupInput>;

export const loginInput = z.strictObject({ email: emailInput, password: passwordInput });
export type LoginInput = z.infer<typeof loginInput>;

/** In cookie mode the token may come from the refresh cookie instead of the body. */
export const refreshInput = z.strictObject({ refreshToken: refreshTokenInput.optional() }).optional();

export const changePasswordInput = z.strictObject({
  currentPassword: passwordInput,
  newPassword: newPasswordInput,
});
export type ChangePasswordInput = z.infer<typeof changePasswordInput>;

export const deleteAccountInput = z.strictObject({ password: passwordInput });
export type DeleteAccountInput = z.infer<typeof deleteAccountInput>;

export const deleteAccountOutput = z.strictObject({
  /** Organizations the user was alone in: deleted by the worker once their subscription is canceled. */
  deletedOrganizations: z.number().int(),
  /** Organizations that keep their other members and owners. */
  leftOrganizations: z.number().int(),
});

/** Any string of a sane length: the auth domain judges the token itself (INVALID, like a used or expired one). */
const accountLinkToken = z.string().min(1).max(200);

export const verifyEmailInput = z.strictObject({ token: accountLinkToken });
export const verifyEmailOutput = z.strictObject({ email: z.string() });

export const requestEmailChangeInput = z.strictObject({ newEmail: emailInput });
export const confirmEmailChangeInput = z.strictObject({ token: accountLinkToken });
export const confirmEmailChangeOutput = z.strictObject({ email: z.string() });

export const requestPasswordResetInput = z.strictObject({ email: emailInput });

export const resetPasswordInput = z.strictObject({ token: accountLinkToken, newPassword: newPasswordInput });

export const revokeSessionInput = z.strictObject({ sessionId: z.uuid() });

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
