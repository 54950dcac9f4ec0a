import { z } from 'zod';

/** The part of an organization procedure's input that names the organization (validated by the base procedure). */
export const organizationScope = z.object({ organizationId: z.uuid() });
