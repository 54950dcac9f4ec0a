import { z } from 'zod';

export const memberInput = z.strictObject({ organizationId: z.uuid(), userId: z.uuid() });

export const changeRoleInput = z.strictObject({
  organizationId: z.uuid(),
  userId: z.uuid(),
  role: z.enum(['owner', 'admin', 'member']),
});
export type ChangeRoleInput = z.infer<typeof changeRoleInput>;
