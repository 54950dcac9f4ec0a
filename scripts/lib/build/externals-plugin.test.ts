import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { build } from 'esbuild';
import { describe, expect, test } from 'vitest';

import { useTempTrees } from '../../../test/support/temp-tree.js';
import { externalsPlugin } from './externals-plugin.js';

const writeTree = useTempTrees('gw-externals-');
const workspace = async (files: Record<string, string>) => {
  const root = await writeTree(files);
  await mkdir(join(root, 'dist'));
  return root;
};

const pkg = (name: string, extra: object = {}) =>
  JSON.stringify({ name, version: '1.0.0', main: 'index.js', ...extra });

async function bundle(root: string, entry: string, keepExternal: string[] = []) {
  await build({
    entryPoints: [join(root, entry)],
    outdir: join(root, 'dist'),
    bundle: true,
    format: 'esm',
    platform: 'node',
    plugins: [externalsPlugin({ outDir: join(root, 'dist'), keepExternal })],
    logLevel: 'silent',
  });
  return readFile(join(root, 'dist/index.js'), 'utf8');
}

const library = {
  'package.json': pkg('root'),
  'node_modules/@groundwork/a/package.json': pkg('@groundwork/a', { dependencies: { lib: '1' } }),
  'node_modules/@groundwork/a/index.js': "import lib from 'lib'; export const a = () => lib + 'OURS';",
  'node_modules/lib/package.json': pkg('lib'),
  'node_modules/lib/index.js': "module.exports = 'THEIRS';",
  'app/package.json': pkg('app', { dependencies: { '@groundwork/a': '1' } }),
  'app/index.js': "import { a } from '@groundwork/a'; console.log(a());",
};

describe('externalsPlugin', () => {
  test('when our code uses a third-party package, then both are bundled', async () => {
    const root = await workspace(library);

    const output = await bundle(root, 'app/index.js');

    expect(output).toContain('OURS');
    expect(output).toContain('THEIRS');
  });

  test('when a package must stay external and resolves to the same copy from the bundle, then it loads from node_modules', async () => {
    const root = await workspace(library);

    const output = await bundle(root, 'app/index.js', ['lib']);

    expect(output).toContain('OURS');
    expect(output).not.toContain('THEIRS');
    expect(output).toMatch(/from "lib"/);
  });

  test('when an external package is nested in another version beside its importer, then the build fails rather than swap versions', async () => {
    const root = await workspace({
      'package.json': pkg('root'),
      'node_modules/lib/package.json': pkg('lib'),
      'node_modules/lib/index.js': "module.exports = 'HOISTED v1';",
      'app/package.json': pkg('app', { dependencies: { lib: '2' } }),
      'app/node_modules/lib/package.json': pkg('lib'),
      'app/node_modules/lib/index.js': "module.exports = 'NESTED v2';",
      'app/index.js': "import lib from 'lib'; console.log(lib);",
    });

    await expect(bundle(root, 'app/index.js')).resolves.toContain('NESTED v2');
    await expect(bundle(root, 'app/index.js', ['lib'])).rejects.toThrow(/"lib" must load from node_modules/);
  });

  test('when our code imports a package its manifest does not list as a dependency, then the build fails naming both', async () => {
    const root = await workspace({
      'package.json': pkg('root'),
      'node_modules/devtool/package.json': pkg('devtool'),
      'node_modules/devtool/index.js': 'module.exports = 1;',
      'app/package.json': pkg('app', { devDependencies: { devtool: '1' } }),
      'app/index.js': "import tool from 'devtool'; console.log(tool);",
    });

    await expect(bundle(root, 'app/index.js')).rejects.toThrow(
      /imports "devtool", which is not in the "dependencies" of app/,
    );
  });
});
