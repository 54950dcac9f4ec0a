import { z } from 'zod';

import { limitsOutput, planKeyOutput } from '../billing/billing.public.js';

export const dashboardOutput = z.object({
  plan: planKeyOutput,
  limits: limitsOutput,
  today: z.object({ day: z.string(), gatedCalls: z.number(), limit: z.number() }),
  days: z.array(z.object({ day: z.string(), gatedCalls: z.number() })),
});

export const planLimitsOutput = z.object({ plan: planKeyOutput, limits: limitsOutput });
