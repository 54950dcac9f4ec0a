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
  const library = (ponyfill: string, responds = 'return new Response("x");') => ({
    'index.js': "import { answer } from 'lib'; console.log(answer());",
    'node_modules/lib/package.json': JSON.stringify({ name: 'lib', version: '1.0.0', main: 'index.mjs' }),
    'node_modules/lib/index.mjs': [
      ponyfill,
      '\treturn signals[0];',
      '}',
      `${RESOLVE_RESPONSE_MARK} ${responds} }`,
      'export const answer = () => [abortSignalsAnyPonyfill, resolveResponse];',
    ].join('\n'),
    'stand-in-response.js': 'export class TrpcResponse {}',
  });
  const bundleLibrary = async (ponyfill: string, responds?: string) => {
    const root = await writeTree(library(ponyfill, responds));
    const plugin = trpcResponsePlugin({ packageName: 'lib', responseModule: join(root, 'stand-in-response.js') });
    return bundleText(join(root, 'index.js'), [plugin]);
  };

  test('when a package has both texts, then responses are built with the stand-in class and signals combined without AbortSignal.any', async () => {
    const output = await bundleLibrary(`${PONYFILL_MARK}\n${NATIVE_ANY_LINE}`);
    expect(output).toContain('new TrpcResponse("x")');
    expect(output).not.toContain('AbortSignal.any');
  });

  test('when the fallback no longer has the exact line to remove, then the build fails', async () => {
    const changed = NATIVE_ANY_LINE.replace('return AbortSignal.any(signals)', 'return AbortSignal.any([...signals])');
    await expect(bundleLibrary(`${PONYFILL_MARK}\n${changed}`)).rejects.toThrow(/abortSignalsAnyPonyfill changed/);
  });

  test.each([
    ['a static', 'return Response.json({});'],
    ['instanceof', 'return x instanceof Response;'],
  ])('when the responding module uses Response otherwise (%s), then the build fails', async (_name, responds) => {
    await expect(bundleLibrary(`${PONYFILL_MARK}\n${NATIVE_ANY_LINE}`, responds)).rejects.toThrow(
      /uses Response other than as `new Response/,
    );
  });

  test('when a module to patch is missing, then the build fails', async () => {
    await expect(bundleLibrary('function somethingElse(signals) {')).rejects.toThrow(/without its signals patch/);
  });
});
