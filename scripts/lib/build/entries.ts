import type { BuildOptions } from 'esbuild';

/** What `npm run build` produces, in one place for the build and its checks. */
export const OUT_DIR = 'dist';

/** The oldest Node the built code must run on (`engines`); production runs Node 24 LTS. */
export const NODE_TARGET = 'node20.12';

/** How `npm run build` bundles, for the build and for the checks that must see its output's shape. */
export const BUNDLE_LAYOUT = {
  bundle: true,
  splitting: true, // the API and the worker share one copy of the packages they both use
  format: 'esm',
  platform: 'node',
  target: NODE_TARGET,
} as const satisfies BuildOptions;

/** Output name → source. Each is a process production starts with plain `node dist/<name>.js`. */
export const ENTRY_POINTS: Record<string, string> = {
  api: 'apps/api/src/main.ts',
  worker: 'apps/worker/src/main.ts',
  start: 'scripts/start.ts',
  db: 'scripts/db.ts',
  'billing-resync': 'scripts/billing-resync.ts',
  'billing-replay': 'scripts/billing-replay.ts',
};

/**
 * Third-party packages that load from node_modules instead of being bundled:
 * native addons (found next to their own files) and packages that serve or
 * read files of their own at run time. The image installs production
 * dependencies, so these are there.
 */
export const KEEP_EXTERNAL = [
  'bcrypt', // native addon
  'msgpackr-extract', // native addon, optional for msgpackr (BullMQ)
  '@bull-board/api', // serves its UI's files from its own folder
  '@bull-board/express',
  '@bull-board/ui',
];

/**
 * Node flags the API runs with wherever it starts from the build: the image's CMD, `npm run start:api`,
 * `dist/start.js`, the benches and the fault suite (`apiArgv`). V8 sizes the new space when the heap is
 * set up, so this cannot be set from inside the process as the growth factor is (ADR 039). Two
 * semi-spaces of 8 MiB instead of 16: peak RSS under the bench's load 157 against 172 MiB, CPU per
 * request within the pair bench's noise (ADR 045).
 */
export const API_NODE_FLAGS = ['--max-semi-space-size=8'];

/** The command that starts the built API, from `bundle` (default `dist/api.js`), with this Node. */
export function apiArgv(bundle = `${OUT_DIR}/api.js`, node = process.execPath): string[] {
  return [node, ...API_NODE_FLAGS, bundle];
}
