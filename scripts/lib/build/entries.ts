/** What `npm run build` produces, in one place for the build and its checks. */
export const OUT_DIR = 'dist';

/** The oldest Node the built code must run on (`engines`); production runs Node 24 LTS. */
export const NODE_TARGET = 'node20.12';

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
