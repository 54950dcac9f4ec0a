import { z } from 'zod';

import { safeText } from '../../http/shared.schema.js';

export const organizationInput = z.strictObject({ organizationId: z.uuid() });

export const renameOrganizationInput = z.strictObject({
  organizationId: z.uuid(),
  name: safeText(100).trim().min(1),
});

export const roleOutput = z.enum(['owner', 'admin', 'member']);

export const organizationOutput = z.object({
  id: z.string(),
  name: z.string(),
  personal: z.boolean(),
  createdAt: z.date(),
});

export const membersOutput = z.array(
  z.object({ userId: z.string(), email: z.string(), displayName: z.string(), role: roleOutput, joinedAt: z.date() }),
);
