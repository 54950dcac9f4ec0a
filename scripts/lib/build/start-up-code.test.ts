import { build, type Metafile } from 'esbuild';
import { describe, expect, test } from 'vitest';

import { BUNDLE_LAYOUT, ENTRY_POINTS, KEEP_EXTERNAL } from './entries.js';
import { externalsPlugin } from './externals-plugin.js';

/**
 * What a built process loads at start: every package in a chunk reachable from its entry through
 * static imports, and every external it imports statically. Code reached only through `import()`
 * lands in chunks of its own, which load on first use.
 */
async function loadedAtStart(entry: string): Promise<Set<string>> {
  const { metafile } = await build({
    entryPoints: [entry],
    outdir: 'dist-start-up-code', // nothing is written
    write: false,
    ...BUNDLE_LAYOUT,
    // As `npm run build` decides what is bundled; resolved from the repository's root, as from dist/.
    plugins: [externalsPlugin({ outDir: '.', keepExternal: KEEP_EXTERNAL })],
    metafile: true,
    logLevel: 'silent',
  });
  const outputs: Metafile['outputs'] = metafile.outputs;
  const first = Object.keys(outputs).find((name) => outputs[name]?.entryPoint === entry);
  const packages = new Set<string>();
  const pending = first ? [first] : [];
  const seen = new Set(pending);
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    const output = outputs[name];
    if (!output) continue;
    for (const input of Object.keys(output.inputs)) {
      const found = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
      if (found?.[1]) packages.add(found[1]);
    }
    for (const imported of output.imports) {
      if (imported.kind === 'dynamic-import') continue;
      if (imported.external) packages.add(imported.path);
      else if (!seen.has(imported.path)) {
        seen.add(imported.path);
        pending.push(imported.path);
      }
    }
  }
  return packages;
}

describe('the API at start-up', () => {
  test('when the bundle starts, then code only rare requests need is not loaded until one comes (ADRs 036, 039, 048)', async () => {
    const loaded = await loadedAtStart(ENTRY_POINTS.api ?? '');

    // What every request needs is there, so the walk itself is sound.
    expect(loaded).toContain('@trpc/server');
    expect(loaded).toContain('express');
    for (const rare of [
      'trpc-to-openapi', // the REST view and the OpenAPI document
      '@simplewebauthn/server', // passkeys
      'qrcode', // two-factor enrolment
      '@bull-board/api', // the queue dashboard
      '@bull-board/express',
      '@opentelemetry/sdk-trace-node', // tracing, when enabled
    ]) {
      expect(loaded, rare).not.toContain(rare);
    }
  });
});
