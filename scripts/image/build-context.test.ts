import { readFile } from 'node:fs/promises';

import { describe, expect, test } from 'vitest';

import { useTempTrees } from '../../test/support/temp-tree.js';
import { buildContext } from './build-context.js';

const tree = useTempTrees('gw-context-');

describe('buildContext', () => {
  test('when the repository .dockerignore applies, then a new package ships its sources but never secrets, tests or local state', async () => {
    const root = await tree({
      '.dockerignore': await readFile('.dockerignore', 'utf8'),
      'package.json': '{}',
      'packages/brand-new/package.json': '{}',
      'packages/brand-new/src/index.ts': 'export {}',
      'packages/brand-new/src/index.test.ts': 'test',
      'packages/brand-new/.env': 'SECRET=1',
      'apps/api/.env.production': 'SECRET=1',
      '.env': 'SECRET=1',
      'deploy/key.pem': 'KEY',
      'node_modules/x/index.js': '',
      'packages/brand-new/node_modules/y/index.js': '',
      'dist/api.js': '',
      '.git/HEAD': 'ref',
      'test/e2e/a.integration.test.ts': '',
      'apps/api/src/testing/http.ts': '',
    });
    const target = await tree({});

    const copied = await buildContext(root, target);

    expect(copied).toEqual([
      '.dockerignore',
      'package.json',
      'packages/brand-new/package.json',
      'packages/brand-new/src/index.ts',
    ]);
  });
});
