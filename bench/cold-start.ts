/**
 * `npm run bench:cold-start`: how long production takes from `exec` to
 * `/ready` 200, for the API and the worker, started from the build (`dist/`)
 * with plain node in production mode, as the image runs them (on the image's Node). Several rounds,
 * median and spread; the goal (issue 8) is 1.0 s for each.
 *
 *   --rounds N        default 7
 *   --current-node    run on this process's Node instead of the image's (the Dockerfile's NODE_VERSION)
 *   --no-build        use the existing dist/
 */
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';

import { exitOf, readyWithin, startProcess, stopGracefully } from '../scripts/image/processes.js';
import { startProductionServices } from '../scripts/image/production-services.js';
import { freePort } from '../scripts/image/services.js';
import { API_NODE_FLAGS } from '../scripts/lib/build/entries.js';
import { serverNode } from './lib/server-node.js';

const GOAL_MS = 1_000;
const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '7' },
    'current-node': { type: 'boolean', default: false },
    'no-build': { type: 'boolean', default: false },
  },
});
const rounds = Number(values.rounds);
const { path: node, version: nodeVersion } = await serverNode({ current: values['current-node'] });
if (!values['no-build']) execFileSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });

const services = await startProductionServices({ name: 'gw-cold-start' });
const { apiPort } = services;
const workerPort = await freePort();
const processEnv = { ...services.directEnv, WORKER_HEALTH_PORT: String(workerPort), LOG_LEVEL: 'warn' };
const run = (name: string, file: string, args: string[] = []) =>
  startProcess(
    name,
    [node, ...args.filter((arg) => arg.startsWith('--')), file, ...args.filter((arg) => !arg.startsWith('--'))],
    {
      cwd: process.cwd(),
      env: processEnv,
    },
  );

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
try {
  const migrate = run('migrate', 'dist/db.js', ['latest']);
  if ((await exitOf(migrate, 60_000)) !== 0) throw new Error(`migrations failed:\n${migrate.output()}`);
  // The same processes from their sources through tsx, as production ran them before the build (ADR 001).
  const targets = [
    ['api', 'dist/api.js', apiPort, API_NODE_FLAGS],
    ['worker', 'dist/worker.js', workerPort, []],
    ['api from sources via tsx (before)', 'apps/api/src/main.ts', apiPort, ['--import=tsx']],
    ['worker from sources via tsx (before)', 'apps/worker/src/main.ts', workerPort, ['--import=tsx']],
  ] as const;
  const figures: Record<string, number[]> = Object.fromEntries(targets.map(([name]) => [name, []]));
  for (let round = 0; round < rounds; round += 1) {
    for (const [name, file, port, flags] of targets) {
      const started = run(name, file, [...flags]);
      figures[name]?.push(await readyWithin(started, `http://127.0.0.1:${port}/ready`, 30_000));
      await stopGracefully(started, 20_000);
    }
  }
  console.log(`\nCold start, exec → /ready 200, production mode, Node ${nodeVersion}, ${rounds} rounds`);
  console.log('| process | median ms | min ms | max ms | goal ms |');
  console.log('|---|--:|--:|--:|--:|');
  for (const [name, samples] of Object.entries(figures)) {
    const goal = name.includes('before') ? '' : `${GOAL_MS}${median(samples) <= GOAL_MS ? '' : ' (missed)'}`;
    console.log(`| ${name} | ${median(samples)} | ${Math.min(...samples)} | ${Math.max(...samples)} | ${goal} |`);
  }
} finally {
  await services.close();
}
