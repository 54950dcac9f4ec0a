import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

import type { LoadResult, LoadSpec } from './load-generator.js';
import { pinned } from './machine.js';

const run = promisify(execFile);
const GENERATOR = new URL('./load-generator.ts', import.meta.url).pathname;

export type { LoadResult, LoadSpec } from './load-generator.js';

/** Runs one load (autocannon in its own process, pinned to `cpu`) and returns its figures. */
export async function runLoad(spec: LoadSpec, placement: { cpu: string; pin: boolean }): Promise<LoadResult> {
  const argv = pinned(placement.cpu, placement.pin, [
    process.execPath,
    '--import=tsx',
    GENERATOR,
    JSON.stringify(spec),
  ]);
  const [file = '', ...args] = argv;
  const { stdout } = await run(file, args, { maxBuffer: 1 << 20, timeout: (spec.durationSeconds + 120) * 1000 });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as LoadResult;
}
