/**
 * `npx tsx bench/memory.ts`: where the built API's memory goes (issue 10,
 * ADR 039). Debug only, not part of `npm run bench`. Measures, in production
 * mode against the bench's scratch services:
 *
 *   import  a process that only evaluates what dist/api.js imports statically (no config, no pools)
 *   ready   the API once /ready answers
 *   load    the API during and after load on the gated call (VmHWM is the peak RSS the bench reports)
 *
 * Each phase prints RSS (anonymous vs. file-backed), V8 heap by space,
 * external and array buffers, and malloc'd memory.
 *
 *   --connections N  default 50     --duration S  default 8     --no-build  use the existing dist/
 *   --api FILE       default dist/api.js        --node-flags="…"  flags for the API instead of production's (API_NODE_FLAGS)
 *   --current-node   this process's Node instead of production's (the Dockerfile's NODE_VERSION)
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setTimeout as delay } from 'node:timers/promises';
import { parseArgs } from 'node:util';

import { readEnv } from '@groundwork/config';
import { build } from 'esbuild';

import { API_NODE_FLAGS } from '../scripts/lib/build/entries.js';
import { runLoad } from './lib/load.js';
import { pinning, processCpuSeconds } from './lib/machine.js';
import { prepareProduct } from './lib/product.js';
import { serverNode } from './lib/server-node.js';
import { startServer } from './lib/servers.js';

const { values } = parseArgs({
  options: {
    connections: { type: 'string', default: '50' },
    duration: { type: 'string', default: '8' },
    'no-build': { type: 'boolean', default: false },
    api: { type: 'string', default: 'dist/api.js' },
    'node-flags': { type: 'string', default: API_NODE_FLAGS.join(' ') },
    'current-node': { type: 'boolean', default: false },
  },
});
const node = await serverNode({ current: values['current-node'] });
const PROBE = 'dist/bench/memory-probe.js';
const nodeFlags = values['node-flags'].split(' ').filter(Boolean);

type Snapshot = Record<string, number | Record<string, number>>;

if (!values['no-build']) execFileSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
await build({
  entryPoints: { 'memory-probe': 'bench/lib/memory-probe.ts' },
  outdir: 'dist/bench',
  bundle: true,
  format: 'esm',
  platform: 'node',
  logLevel: 'warning',
});

/** Asks a probed process for one snapshot over its IPC channel. */
async function ask(child: ChildProcess): Promise<Snapshot> {
  const answer = once(child, 'message');
  child.send('snapshot');
  return (await answer)[0] as Snapshot;
}

/** The static imports of the bundle, evaluated and nothing else: the cost of the code alone. */
async function afterImport(api: string): Promise<Snapshot> {
  const source = readFileSync(api, 'utf8');
  const specifiers = [...source.matchAll(/^import\s+(?:[^'"]*?\s+from\s+)?["']([^"']+)["'];?$/gms)].map(
    ([, specifier = '']) => (specifier.startsWith('.') ? pathToFileURL(resolve(api, '..', specifier)).href : specifier),
  );
  const script = `${specifiers.map((specifier) => `await import(${JSON.stringify(specifier)});`).join('\n')}\nsetInterval(() => {}, 60_000);`;
  const child = spawn(node.path, [...nodeFlags, `--import=./${PROBE}`, '--input-type=module', '-e', script], {
    env: { PATH: readEnv().PATH ?? '', NODE_ENV: 'production' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  // The imports finish in well under a second; the probe then answers from an idle event loop.
  await delay(3_000);
  const snapshot = await ask(child);
  child.kill();
  return snapshot;
}

function print(label: string, snapshot: Snapshot) {
  const { spaces, ...flat } = snapshot as Record<string, number> & { spaces: Record<string, number> };
  console.log(`\n${label}`);
  console.log(
    Object.entries(flat)
      .map(([key, value]) => `${key} ${value}`)
      .join('  '),
  );
  console.log(
    `  heap spaces (physical MiB): ${Object.entries(spaces)
      .map(([key, value]) => `${key.replace('_space', '')} ${value}`)
      .join('  ')}`,
  );
}

console.log(
  `bundle: ${values.api} ${(statSync(values.api).size / 1024).toFixed(0)} KiB; Node ${node.version}; node flags: ${nodeFlags.join(' ') || 'none'}`,
);
print('after import (static imports only)', await afterImport(values.api));

const placement = pinning();
const product = await prepareProduct({
  api: values.api,
  node: node.path,
  env: { RATE_LIMIT_DEFAULT: '1000000000/minute', LOG_LEVEL: 'warn' },
});
try {
  const seeding = await startServer({
    argv: product.argv,
    env: product.env,
    cpu: placement.server,
    pin: placement.pinned,
    readyUrl: `${product.url}/ready`,
  });
  const { organizationId } = await product.seed().finally(() => seeding.stop());
  const token = await (async () => {
    const again = await startServer({
      argv: product.argv,
      env: product.env,
      cpu: placement.server,
      pin: placement.pinned,
      readyUrl: `${product.url}/ready`,
    });
    try {
      return await product.accessToken();
    } finally {
      await again.stop();
    }
  })();

  const argv = placement.pinned ? ['taskset', '-c', placement.server, node.path] : [node.path];
  const [executable = '', ...args] = [...argv, ...nodeFlags, `--import=./${PROBE}`, values.api];
  const child = spawn(executable, args, { env: product.env, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  for (;;) {
    const ok = await fetch(`${product.url}/ready`)
      .then((response) => response.status === 200)
      .catch(() => false);
    if (ok) break;
    if (child.exitCode !== null) throw new Error('the API exited before it was ready');
    await delay(50);
  }
  print('after ready', await ask(child));

  const url = `${product.url}/trpc/analytics.limits?input=${encodeURIComponent(JSON.stringify({ organizationId }))}`;
  const connections = Number(values.connections);
  const durationSeconds = Number(values.duration);
  const cpuBefore = processCpuSeconds(child.pid ?? 0);
  const load = runLoad(
    { url, connections, durationSeconds, headers: { authorization: `Bearer ${token}` } },
    { cpu: placement.load, pin: placement.pinned },
  );
  let during: Snapshot | undefined;
  let settled = false;
  void load.finally(() => (settled = true));
  while (!settled) {
    await delay(1_000);
    const now = await ask(child);
    if (!during || (now.rss as number) > (during.rss as number)) during = now;
  }
  const result = await load;
  const cpuSeconds = processCpuSeconds(child.pid ?? 0) - cpuBefore;
  if (during) print(`under load (largest sample, ${connections} connections × ${durationSeconds} s)`, during);
  print('after load', await ask(child));
  const answered = Math.max(1, result.requestsPerSecond * durationSeconds);
  console.log(
    `\nload: ${Math.round(result.requestsPerSecond)} req/s, p99 ${result.p99} ms, non-2xx ${result.non2xx}, ` +
      `errors ${result.errors}; server CPU ${Math.round((cpuSeconds * 1e6) / answered)} µs/request`,
  );
  child.kill('SIGTERM');
  await once(child, 'exit');
} finally {
  await product.close();
}
