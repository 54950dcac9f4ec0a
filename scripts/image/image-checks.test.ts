import { describe, expect, test } from 'vitest';

import { useTempTrees } from '../../test/support/temp-tree.js';
import { checkImageContents } from './image-checks.js';

const writeTree = useTempTrees('gw-image-check-');

const lock = JSON.stringify({
  packages: {
    '': {},
    'node_modules/express': {},
    'node_modules/vitest': { dev: true },
    'node_modules/@groundwork/api': { link: true },
  },
});

const image = (files: Record<string, string>) => writeTree({ 'package-lock.json': lock, 'dist/api.js': '', ...files });

describe('checkImageContents', () => {
  test('when the image holds manifests, dist/ and production packages, then it passes', async () => {
    const app = await image({
      'package.json': '{}',
      'apps/api/package.json': '{}',
      'node_modules/express/index.js': '',
      'node_modules/@groundwork/api/package.json': '{}',
    });

    expect(await checkImageContents(app)).toEqual([]);
  });

  test('when sources, an env file, a test or a development package got in, then each is named', async () => {
    const app = await image({
      'package.json': '{}',
      'apps/api/src/main.ts': '',
      '.env': 'SECRET=1',
      'apps/api/src/a.test.ts': '',
      'node_modules/vitest/index.js': '',
      'node_modules/left-pad/index.js': '',
    });

    expect((await checkImageContents(app)).sort()).toEqual([
      '.env is in the image',
      'apps/api/src/a.test.ts is in the image',
      'apps/api/src/main.ts is in the image',
      'node_modules/left-pad is not in package-lock.json',
      'node_modules/vitest (a development dependency) is in the image',
    ]);
  });
});
