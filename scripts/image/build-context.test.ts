import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { afterEach, describe, expect, test } from 'vitest';

import { buildContext } from './build-context.js';

const made: string[] = [];
afterEach(async () => {
  for (const dir of made.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function tree(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'gw-context-'));
  made.push(root);
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
  return root;
}

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
    const target = join(root, '..', `${root.split('/').pop() ?? ''}-out`);
    made.push(target);

    const copied = await buildContext(root, target);

    expect(copied).toEqual([
      '.dockerignore',
      'package.json',
      'packages/brand-new/package.json',
      'packages/brand-new/src/index.ts',
    ]);
  });
});
