import { z } from 'zod';

export const systemStatusOutput = z.object({ status: z.literal('ok'), version: z.string(), uptimeSeconds: z.number() });
