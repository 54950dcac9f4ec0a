import { z } from 'zod';

import { safeText } from '../auth/auth.schema.js';

export const organizationInput = z.strictObject({ organizationId: z.uuid() });

export const renameOrganizationInput = z.strictObject({
  organizationId: z.uuid(),
  name: safeText(100).trim().min(1),
});
