import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

import type { Plugin } from 'esbuild';

import { packageFiles } from './package-files.js';

/** The class that stands in for `Response` inside tRPC's `resolveResponse` (ADR 044). */
export const TRPC_RESPONSE_MODULE = fileURLToPath(
  new URL('../../../apps/api/src/http/trpc-response.ts', import.meta.url),
);

/** The one module of @trpc/server that builds responses: it holds `resolveResponse`. */
export const RESOLVE_RESPONSE_MARK = 'async function resolveResponse(opts) {';

/**
 * tRPC's fallback for runtimes without `AbortSignal.any`, as @trpc/server 11.25 ships it, and the
 * line that prefers the native one. `resolveResponse` combines signals with it twice per call.
 */
export const NATIVE_ANY_LINE = '\tif (typeof AbortSignal.any === "function") return AbortSignal.any(signals);';
export const PONYFILL_MARK = 'function abortSignalsAnyPonyfill(signals) {';

/** Same line count, so tRPC's source map stays aligned after it. */
const LISTENERS_ONLY_LINE =
  "\t// Listeners only (ADR 044): Node 20's AbortSignal.any costs more per call than this whole fallback.";

export type TrpcResponsePatches = {
  /** The package to patch (a test passes a stand-in). */
  packageName: string;
  /** The module whose `TrpcResponse` export replaces the global `Response` in the responding module. */
  responseModule: string;
};

/**
 * `TrpcResponse` stands in for `new Response(…)` only: any other use of the name in the module
 * (a static such as `Response.json`, an `instanceof`) would build and then fail at run time.
 */
const OTHER_USE_OF_RESPONSE = /\bResponse\s*\.|instanceof\s+Response\b|\bResponse\s*\)/;

/**
 * Two per-call costs of tRPC's Fetch-shaped core, removed from the production bundle (ADR 044):
 * the module that holds `resolveResponse` builds its answers with `TrpcResponse` (a JSON string
 * kept as a string, not wrapped in a stream and read back), and tRPC's own signal-combining
 * fallback runs instead of Node 20's `AbortSignal.any`. Both patches are exact: if the package no
 * longer has either text, the build fails instead of silently losing the gain (or patching
 * something else). The import is put on the module's first line, so no line moves.
 */
export function trpcResponsePlugin(
  patches: TrpcResponsePatches = { packageName: '@trpc/server', responseModule: TRPC_RESPONSE_MODULE },
): Plugin {
  const { packageName, responseModule } = patches;
  return {
    name: 'groundwork-trpc-response',
    setup(build) {
      const applied = new Set<'response' | 'signals'>();
      build.onStart(() => applied.clear());
      // ES modules only: the import prepended is ESM; a CommonJS build would match nothing and fail the build.
      build.onLoad({ filter: packageFiles(packageName, 'mjs') }, async (args) => {
        let source = await readFile(args.path, 'utf8');
        const responds = source.includes(RESOLVE_RESPONSE_MARK);
        const combines = source.includes(PONYFILL_MARK);
        if (!responds && !combines) return undefined;
        if (responds) {
          if (OTHER_USE_OF_RESPONSE.test(source))
            throw new Error(
              `${packageName}'s resolveResponse module uses Response other than as \`new Response(…)\`: ` +
                'TrpcResponse would not stand in for it; check scripts/lib/build/trpc-response-plugin.ts (ADR 044)',
            );
          source = `import { TrpcResponse as Response } from ${JSON.stringify(responseModule)}; ${source}`;
          applied.add('response');
        }
        if (combines) {
          if (!source.includes(`${PONYFILL_MARK}\n${NATIVE_ANY_LINE}\n`))
            throw new Error(`${packageName}'s abortSignalsAnyPonyfill changed: check ${import.meta.url} (ADR 044)`);
          source = source.replace(
            `${PONYFILL_MARK}\n${NATIVE_ANY_LINE}\n`,
            `${PONYFILL_MARK}\n${LISTENERS_ONLY_LINE}\n`,
          );
          applied.add('signals');
        }
        return { contents: source, loader: 'js' };
      });
      build.onEnd((result) => {
        if (result.errors.length > 0) return;
        const missing = (['response', 'signals'] as const).filter((patch) => !applied.has(patch));
        if (missing.length > 0)
          throw new Error(
            `${packageName} was bundled without its ${missing.join(' and ')} patch (no module matched): ` +
              'check scripts/lib/build/trpc-response-plugin.ts against its dist/ (ADR 044)',
          );
      });
    },
  };
}
