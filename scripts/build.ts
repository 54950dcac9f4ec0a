/**
 * `npm run build`: what production runs, as plain JavaScript in `dist/`
 * (ADR 008). Each entry point becomes one ESM bundle with our workspace
 * packages inlined and third-party packages left to `node_modules`; the
 * migrations are compiled one file each, since knex loads them one by one.
 *
 *   dist/api.js  dist/worker.js  dist/start.js  dist/db.js
 *   dist/billing-resync.js  dist/billing-replay.js  dist/migrations/*.js
 */
import { mkdir, rm } from 'node:fs/promises';

import { build } from 'esbuild';

import { rewriteAsAscii } from './lib/build/ascii-output.js';
import { BUNDLE_LAYOUT, ENTRY_POINTS, KEEP_EXTERNAL, OUT_DIR } from './lib/build/entries.js';
import { externalsPlugin } from './lib/build/externals-plugin.js';
import { nativeSpreadPlugin } from './lib/build/native-spread-plugin.js';
import { compileMigrations } from './lib/build/migrations.js';
import { trpcResponsePlugin } from './lib/build/trpc-response-plugin.js';

const started = performance.now();
await rm(OUT_DIR, { recursive: true, force: true });
await mkdir(OUT_DIR); // resolutions "from the bundle" start here

const result = await build({
  entryPoints: ENTRY_POINTS,
  outdir: OUT_DIR,
  ...BUNDLE_LAYOUT,
  chunkNames: 'chunks/[name]-[hash]',
  sourcemap: 'linked',
  // Third-party CommonJS inlined into an ES module still calls require().
  banner: {
    js: "import { createRequire as __gwCreateRequire } from 'node:module';\nconst require = __gwCreateRequire(import.meta.url);",
  },
  plugins: [
    externalsPlugin({ outDir: OUT_DIR, keepExternal: KEEP_EXTERNAL }),
    nativeSpreadPlugin(),
    trpcResponsePlugin(),
  ],
  metafile: true,
  logLevel: 'warning',
});
// One-byte source strings in V8: half the heap the bundles' text would take otherwise.
await rewriteAsAscii(Object.keys(result.metafile.outputs));
const migrations = await compileMigrations({ outDir: `${OUT_DIR}/migrations` });

const bytes = Object.values(result.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
console.log(
  `Built ${Object.keys(ENTRY_POINTS).length} entry points and ${migrations} migrations into ${OUT_DIR}/ ` +
    `(${(bytes / 1024).toFixed(0)} KiB) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
);
