import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { beforeAll, describe, expect, test } from 'vitest';

const RULE = '@typescript-eslint/no-restricted-imports';

/**
 * The project's own eslint.config.js, run on snippets at the paths where they
 * would live. Only the boundary rule runs, without type information, so a
 * snippet needs no file on disk.
 */
const eslint = new ESLint({
  overrideConfig: tseslint.configs.disableTypeChecked,
  ruleFilter: ({ ruleId }) => ruleId === RULE,
});

async function boundaryErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((message) => message.ruleId ?? message.message);
}

describe('import boundaries (eslint.config.js)', () => {
  // Loading the config and its plugins is slow once (seconds on a busy machine); each snippet is fast after.
  beforeAll(() => boundaryErrors('apps/api/src/features/system/warm-up.ts', 'export {};\n'), 60_000);

  test("when a feature imports another feature's internals, then lint fails; through its public module, it passes", async () => {
    const file = 'apps/api/src/features/billing/some.ts';

    expect(await boundaryErrors(file, "export { x } from '../organizations/organizations.schema.js';\n")).toEqual([
      RULE,
    ]);
    expect(await boundaryErrors(file, "export type { X } from '../auth/auth.service.js';\n")).toEqual([RULE]);
    expect(await boundaryErrors(file, "export { x } from '../organizations/organizations.public.js';\n")).toEqual([]);
    expect(await boundaryErrors(file, "export { x } from './billing.schema.js';\n")).toEqual([]);
    expect(await boundaryErrors(file, "export { x } from '../../trpc/procedures.js';\n")).toEqual([]);
  });

  test('when a package imports an app, then lint fails', async () => {
    expect(
      await boundaryErrors('packages/db/src/some.ts', "export { x } from '../../../apps/api/src/app.js';\n"),
    ).toEqual([RULE]);
  });

  test('when a domain package imports @trpc/server, express or bullmq, then lint fails; packages/queue may use bullmq', async () => {
    for (const transport of ['@trpc/server', 'express', 'bullmq']) {
      expect(await boundaryErrors('packages/billing/src/some.ts', `export { x } from '${transport}';\n`)).toEqual([
        RULE,
      ]);
    }
    expect(await boundaryErrors('packages/queue/src/some.ts', "export { Queue } from 'bullmq';\n")).toEqual([]);
  });
});
