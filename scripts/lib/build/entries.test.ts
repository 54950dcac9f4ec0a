import { readFile } from 'node:fs/promises';

import { describe, expect, test } from 'vitest';

import { parseDockerfile } from '../../image/dockerfile.js';
import { API_NODE_FLAGS, apiArgv } from './entries.js';

/** The API's Node flags (ADR 045) must reach every documented way production starts it. */
describe('the API Node flags', () => {
  test('when the image starts the API, then its CMD passes the flags before the bundle', async () => {
    const dockerfile = parseDockerfile(await readFile('Dockerfile', 'utf8'));
    const cmd = dockerfile.stages.at(-1)?.instructions.find((instruction) => instruction.kind === 'CMD');

    expect(cmd).toEqual({ kind: 'CMD', argv: ['node', ...API_NODE_FLAGS, 'dist/api.js'] });
  });

  test('when npm run start:api starts the API, then it passes the flags before the bundle', async () => {
    const manifest = JSON.parse(await readFile('package.json', 'utf8')) as { scripts: Record<string, string> };

    expect(manifest.scripts['start:api']).toBe(['node', ...API_NODE_FLAGS, 'dist/api.js'].join(' '));
  });

  test('when the benches or the fault suite start a build, then they use the same flags', () => {
    expect(apiArgv('dist-old/api.js', '/usr/bin/node')).toEqual([
      '/usr/bin/node',
      ...API_NODE_FLAGS,
      'dist-old/api.js',
    ]);
    expect(API_NODE_FLAGS).toContain('--max-semi-space-size=8');
  });
});
