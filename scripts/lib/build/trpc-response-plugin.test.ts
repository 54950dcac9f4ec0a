import { join } from 'node:path';

import { build, type Plugin } from 'esbuild';
import { describe, expect, test } from 'vitest';

import { useTempTrees } from '../../../test/support/temp-tree.js';
import { NATIVE_ANY_LINE, PONYFILL_MARK, RESOLVE_RESPONSE_MARK, trpcResponsePlugin } from './trpc-response-plugin.js';

const bundleText = async (entry: string, plugins: Plugin[]) => {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    plugins,
    logLevel: 'silent',
  });
  return result.outputFiles.map((file) => file.text).join('');
};

describe('trpcResponsePlugin on a stand-in package', () => {
  const writeTree = useTempTrees('gw-trpc-response-');
  const library = (ponyfill: string) => ({
    'index.js': "import { answer } from 'lib'; console.log(answer());",
    'node_modules/lib/package.json': JSON.stringify({ name: 'lib', version: '1.0.0', main: 'index.js' }),
    'node_modules/lib/index.js': [
      ponyfill,
      '\treturn signals[0];',
      '}',
      `${RESOLVE_RESPONSE_MARK} return new Response("x"); }`,
      'export const answer = () => [abortSignalsAnyPonyfill, resolveResponse];',
    ].join('\n'),
    'stand-in-response.js': 'export class TrpcResponse {}',
  });
  const bundleLibrary = async (ponyfill: string) => {
    const root = await writeTree(library(ponyfill));
    const plugin = trpcResponsePlugin({ packageName: 'lib', responseModule: join(root, 'stand-in-response.js') });
    return bundleText(join(root, 'index.js'), [plugin]);
  };

  test('builds responses with the stand-in class and combines signals without AbortSignal.any', async () => {
    const output = await bundleLibrary(`${PONYFILL_MARK}\n${NATIVE_ANY_LINE}`);
    expect(output).toContain('new TrpcResponse("x")');
    expect(output).not.toContain('AbortSignal.any');
  });

  test('fails the build when the fallback no longer has the exact line it removes', async () => {
    const changed = NATIVE_ANY_LINE.replace('return AbortSignal.any(signals)', 'return AbortSignal.any([...signals])');
    await expect(bundleLibrary(`${PONYFILL_MARK}\n${changed}`)).rejects.toThrow(/abortSignalsAnyPonyfill changed/);
  });

  test('fails the build when a module to patch is missing', async () => {
    await expect(bundleLibrary('function somethingElse(signals) {')).rejects.toThrow(/without its signals patch/);
  });
});
