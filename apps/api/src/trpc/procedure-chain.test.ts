import { describe, expect, test } from 'vitest';

import { appRouter } from './router.js';

type ProcedureDef = { _def: { middlewares: { name: string; _type?: string }[] } };

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
});
