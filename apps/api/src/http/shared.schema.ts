import { z } from 'zod';

/**
 * The few schemas several features share; everything else lives in its
 * feature's <feature>.schema.ts. Kept here, below the features, so two
 * features never import each other's schemas (a cycle in module order).
 */

/** Text as users type it, with NUL bytes refused (PostgreSQL rejects them and they hide payloads). */
export const safeText = (max: number) =>
  z
    .string()
    .max(max)
    .refine((value) => !value.includes('\u0000'), 'must not contain NUL characters');

/** A mutation that answers only that it happened. */
export const okOutput = z.object({ ok: z.literal(true) });
