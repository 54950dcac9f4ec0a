import { build } from 'esbuild';

export const BASELINE_DIR = 'dist/bench';

/** The query every echo baseline answers (the standalone one wraps it for superjson). */
export const ECHO_INPUT = encodeURIComponent(JSON.stringify({ text: 'hello' }));

/** The reference every goal is a ratio to: stock tRPC on Express 5 + zod, its echo, on `node`. */
export const REFERENCE = {
  argv: (port: number, node: string) => [node, `${BASELINE_DIR}/trpc-express.js`, String(port)],
  path: `/trpc/echo?input=${ECHO_INPUT}`,
};

/**
 * Bundles the baseline servers to plain JavaScript (third-party packages
 * left to node_modules), so they run on plain node like the product's build.
 */
export async function buildBaselines(): Promise<void> {
  await build({
    entryPoints: {
      'raw-http': 'bench/baselines/raw-http.ts',
      'trpc-express': 'bench/baselines/trpc-express.ts',
      'trpc-standalone': 'bench/baselines/trpc-standalone.ts',
    },
    outdir: BASELINE_DIR,
    bundle: true,
    packages: 'external',
    format: 'esm',
    platform: 'node',
    logLevel: 'warning',
  });
}
