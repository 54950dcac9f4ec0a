import { z } from 'zod';

import { emailInput, newPasswordInput, publicUserOutput, tokensOutput } from '../auth/auth.public.js';
import { safeText } from '../../http/shared.schema.js';
import { roleOutput } from './organizations.schema.js';

/** Bounded but not pattern-checked here: a malformed token answers the same INVALID as a spent one. */
const invitationToken = z.string().min(1).max(200);
const role = z.enum(['owner', 'admin', 'member']);

export const inviteInput = z.strictObject({ organizationId: z.uuid(), email: emailInput, role });
export type InviteInput = z.infer<typeof inviteInput>;

/** Present only when e-mail delivery is off: the link the inviter hands over instead (ADR 029). */
const acceptUrl = z
  .url()
  .optional()
  .describe('Only when e-mail delivery is off (EMAIL_DELIVERY=disabled): the invitation link, to hand over yourself');

export const inviteOutput = z.object({
  invitationId: z.string(),
  email: z.string(),
  role: roleOutput,
  expiresAt: z.date(),
  acceptUrl,
});

export const invitationInput = z.strictObject({ organizationId: z.uuid(), invitationId: z.uuid() });

export const invitationsOutput = z.array(
  z.object({
    id: z.string(),
    email: z.string(),
    role: roleOutput,
    invitedByUserId: z.string().nullable(),
    createdAt: z.date(),
    expiresAt: z.date(),
    expired: z.boolean(),
  }),
);

export const resendInvitationOutput = z.object({ invitationId: z.string(), expiresAt: z.date(), acceptUrl });

export const acceptInvitationInput = z.strictObject({ token: invitationToken });

export const joinedOutput = z.object({ organizationId: z.string(), role: roleOutput });

export const acceptInvitationWithSignupInput = z.strictObject({
  token: invitationToken,
  password: newPasswordInput,
  displayName: safeText(100).trim().min(1),
});

export const acceptInvitationWithSignupOutput = joinedOutput.extend({ user: publicUserOutput, tokens: tokensOutput });
