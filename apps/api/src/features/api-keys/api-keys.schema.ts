import { API_KEY_SCOPES } from '@groundwork/db';
import { z } from 'zod';

import { safeText } from '../../http/shared.schema.js';

export const apiKeyScope = z.enum(API_KEY_SCOPES);

export const createApiKeyInput = z.strictObject({
  organizationId: z.uuid(),
  name: safeText(100).trim().min(1),
  scopes: z.array(apiKeyScope).min(1).max(API_KEY_SCOPES.length),
  /** ISO 8601 with an offset; absent: the key does not expire. */
  expiresAt: z.iso.datetime({ offset: true }).optional(),
});
export type CreateApiKeyInput = z.infer<typeof createApiKeyInput>;

export const apiKeyInput = z.strictObject({ organizationId: z.uuid(), apiKeyId: z.uuid() });

export const createdApiKeyOutput = z.object({
  id: z.string(),
  /** The secret: shown in this answer only, never again. */
  key: z.string(),
});

export const rotatedApiKeyOutput = createdApiKeyOutput.extend({
  /** Until when the key that was rotated keeps working. */
  oldKeyExpiresAt: z.date(),
});

export const apiKeysOutput = z.array(
  z.object({
    id: z.string(),
    name: z.string(),
    /** `gw_live_` or `gw_test_`, with `lastFour`, to recognise a key without its secret. */
    prefix: z.string(),
    lastFour: z.string(),
    scopes: z.array(apiKeyScope),
    createdByUserId: z.string().nullable(),
    createdAt: z.date(),
    expiresAt: z.date().nullable(),
    lastUsedAt: z.date().nullable(),
    replacedById: z.string().nullable(),
  }),
);
