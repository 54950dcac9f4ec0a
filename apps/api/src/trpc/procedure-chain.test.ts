import { describe, expect, test } from 'vitest';
import { z } from 'zod';

import { appRouter } from './router.js';

type ProcedureDef = { _def: { middlewares: { name: string; _type?: string }[]; inputs: unknown[] } };

/** The steps tRPC runs for a procedure, by middleware name (input and output parsers by their type). */
function stepsOf(path: string): string[] {
  const procedure = (appRouter._def.procedures as unknown as Record<string, ProcedureDef | undefined>)[path];
  return procedure?._def.middlewares.map((step) => step._type ?? step.name) ?? [];
}

describe('the plan-gated chain (ADR 036)', () => {
  test('when a plan-gated query runs, then tRPC takes one step for the default limit with error mapping and metrics, one for access with the plan check, then the procedure’s own input and output', () => {
    // Each step copies tRPC's options (and the context when it grows): the hot path keeps them few.
    expect(stepsOf('analytics.limits')).toEqual([
      'observeProcedure',
      'requirePlanAccess',
      'input',
      'output',
      expect.any(String), // the resolver
    ]);
  });

  test('when a procedure is plan-gated, then its own input names organizationId, which the gate reads from the raw input (ADR 043)', () => {
    const procedures = appRouter._def.procedures as unknown as Record<string, ProcedureDef>;
    const gated = Object.entries(procedures).filter(([, procedure]) =>
      procedure._def.middlewares.some((step) => step.name === 'requirePlanAccess'),
    );
    const namesOrganization = (input: unknown) =>
      input instanceof z.ZodObject && (input.shape as Record<string, unknown>).organizationId instanceof z.ZodType;

    expect(gated.map(([path]) => path)).toContain('analytics.limits');
    for (const [path, procedure] of gated) {
      expect(procedure._def.inputs.some(namesOrganization), path).toBe(true);
    }
  });
});
