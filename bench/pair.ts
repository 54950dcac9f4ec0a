/**
 * `npx tsx bench/pair.ts --a dist-old/api.js --b dist/api.js --target gated`: two builds of the API
 * measured at the same time on the same core, each under its own load generator, so a machine whose
 * speed drifts (this one moves by a third within an hour) slows both alike. `--a ref` puts the
 * reference (stock tRPC on Express 5 + zod, its echo) on side A instead: B's ratio to it is then
 * the issue's goal, measured side by side. Each round prints both
 * builds' req/s and server CPU per request and the ratio B ÷ A; the order of the two load generators
 * alternates between rounds. With both servers busy, the scheduler shares the core between them, so the
 * ratio of CPU per request is the figure to read; req/s follows it when both are CPU-bound.
 *
 *   --target gated|public|webhook   default gated      --rounds N  default 6      --duration S  default 10
 *            (webhook: distinct signed events, each verified, inserted and queued, as in bench/run.ts)
 *   --connections N  per build, default 25      --no-build
 *   --a-flags S, --b-flags S  Node flags for that side's API, instead of production's (`API_NODE_FLAGS`);
 *                             e.g. `--b-flags=` with nothing: one build, with and without them
 *   --current-node  this process's Node instead of production's (the Dockerfile's NODE_VERSION), for both sides
 *   --a-node production|current, --b-node production|current   that side's Node, overriding --current-node:
 *                             e.g. `--a-node current --b-node production`: one build on Node 20 and on Node 24
 */
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';

import { readEnv } from '@groundwork/config';

import { buildBaselines, REFERENCE } from './lib/baselines.js';
import { type LoadResult, runLoad, type LoadSpec } from './lib/load.js';
import { processCpuSeconds, pinning } from './lib/machine.js';
import { median } from './lib/measure.js';
import { prepareProduct } from './lib/product.js';
import { serverNode } from './lib/server-node.js';
import { webhookEvents } from './lib/webhook.js';
import { type BenchServer, startServer } from './lib/servers.js';
import { freePort } from '../scripts/image/services.js';
import { API_NODE_FLAGS } from '../scripts/lib/build/entries.js';

const { values } = parseArgs({
  options: {
    a: { type: 'string', default: 'dist/api.js' },
    b: { type: 'string', default: 'dist/api.js' },
    target: { type: 'string', default: 'gated' },
    rounds: { type: 'string', default: '6' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '25' },
    'no-build': { type: 'boolean', default: false },
    'a-flags': { type: 'string', default: API_NODE_FLAGS.join(' ') },
    'b-flags': { type: 'string', default: API_NODE_FLAGS.join(' ') },
    'current-node': { type: 'boolean', default: false },
    'a-node': { type: 'string' },
    'b-node': { type: 'string' },
  },
});
const flagsOf = (side: 'a' | 'b') => values[`${side}-flags`].split(' ').filter(Boolean);
const TARGETS = ['gated', 'public', 'webhook'];
if (!TARGETS.includes(values.target)) throw new Error(`--target is one of ${TARGETS.join(', ')}`);
if (values.target === 'webhook' && values.a === 'ref')
  throw new Error('the reference is an echo: it has no webhook route');
if (!values['no-build']) execFileSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
await buildBaselines();

const placement = pinning();
if (!placement.pinned) console.warn('NOT pinned (taskset missing or one CPU): servers and load share every CPU');
async function nodeOf(side: 'a' | 'b') {
  const chosen = values[`${side}-node`] ?? (values['current-node'] ? 'current' : 'production');
  if (chosen !== 'current' && chosen !== 'production') throw new Error(`--${side}-node is production or current`);
  return serverNode({ current: chosen === 'current' });
}
const nodes = { a: await nodeOf('a'), b: await nodeOf('b') };
const product = await prepareProduct({ node: nodes.b.path, env: { RATE_LIMIT_DEFAULT: '1000000000/minute' } });
// B serves on the product's own port, which seed() and accessToken() call; a build on side A on another.
const portA = String(await freePort());
const urlB = product.url;
const start = (side: 'a' | 'b', url: string, port?: string) =>
  startServer({
    argv: [nodes[side].path, ...flagsOf(side), values[side]],
    env: port ? { ...product.env, PORT: port } : product.env,
    cpu: placement.server,
    pin: placement.pinned,
    readyUrl: `${url}/ready`,
  });
const failures = (r: LoadResult) =>
  r.non2xx + r.errors + r.timeouts > 0 ? ` (non-2xx ${r.non2xx}, errors ${r.errors}, timeouts ${r.timeouts})` : '';
async function startReference() {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = await startServer({
    argv: REFERENCE.argv(port, nodes.a.path),
    env: { PATH: readEnv().PATH ?? '', NODE_ENV: 'production' },
    cpu: placement.server,
    pin: placement.pinned,
    readyUrl: `${url}${REFERENCE.path}`,
  });
  return { server, url };
}

const running: BenchServer[] = [];
try {
  const seeding = await start('b', product.url); // seed() calls the product's own port
  const { organizationId } = await product.seed().finally(() => seeding.stop());
  const reference = values.a === 'ref' ? await startReference() : undefined;
  const urlA = reference?.url ?? `http://127.0.0.1:${portA}`;
  if (reference) running.push(reference.server);
  const a = reference?.server ?? (await start('a', urlA, portA));
  running.push(a);
  const b = await start('b', urlB);
  running.push(b);
  const headers = { authorization: `Bearer ${await product.accessToken()}` };
  const input = encodeURIComponent(JSON.stringify({ organizationId }));
  const paths: Record<string, { path: string; headers?: Record<string, string> }> = {
    gated: { path: `/trpc/analytics.limits?input=${input}`, headers },
    public: { path: '/trpc/system.status' },
    webhook: { path: '/webhooks/stripe' },
  };
  const chosen = paths[values.target] ?? { path: '' };
  const spec = (side: 'a' | 'b', durationSeconds: number): LoadSpec => {
    const echo = side === 'a' && reference;
    return {
      url: echo ? `${urlA}${REFERENCE.path}` : `${side === 'a' ? urlA : urlB}${chosen.path}`,
      connections: Number(values.connections),
      durationSeconds,
      ...(chosen.headers && !echo ? { headers: chosen.headers } : {}),
      ...(values.target === 'webhook' && !echo
        ? { stripeEvents: webhookEvents(product.webhookSecret, durationSeconds) }
        : {}),
    };
  };
  const both = (durationSeconds: number, round: number) => {
    const runs = [
      ['a', spec('a', durationSeconds)],
      ['b', spec('b', durationSeconds)],
    ] as const;
    const ordered = round % 2 === 0 ? runs : [...runs].reverse();
    return Promise.all(
      ordered.map(([name, load]) =>
        runLoad(load, { cpu: placement.load, pin: placement.pinned }).then((r) => [name, r] as const),
      ),
    );
  };
  await both(3, 0); // warm-up, both at once
  const ratios: { rps: number; cpu: number }[] = [];
  let failed = false;
  console.log(
    // The reference runs as it comes: production's flags are the product's, not the stock echo's.
    `A Node ${nodes.a.version} ${[...(reference ? [] : flagsOf('a')), values.a].join(' ')}   ` +
      `B Node ${nodes.b.version} ${[...flagsOf('b'), values.b].join(' ')}   target ${values.target}`,
  );
  for (let round = 1; round <= Number(values.rounds); round += 1) {
    const cpuBefore = [processCpuSeconds(a.child.pid ?? 0), processCpuSeconds(b.child.pid ?? 0)];
    const results = Object.fromEntries(await both(Number(values.duration), round));
    const cpuAfter = [processCpuSeconds(a.child.pid ?? 0), processCpuSeconds(b.child.pid ?? 0)];
    const [ra, rb] = [results.a, results.b];
    if (!ra || !rb) throw new Error('a load generator returned nothing');
    // autocannon reports a rate, not a count: the count is rate × duration, as bench/run.ts has it.
    const cpuUs = (index: 0 | 1, rps: number) =>
      (((cpuAfter[index] ?? 0) - (cpuBefore[index] ?? 0)) * 1e6) / (rps * Number(values.duration));
    const [ca, cb] = [cpuUs(0, ra.requestsPerSecond), cpuUs(1, rb.requestsPerSecond)];
    ratios.push({ rps: rb.requestsPerSecond / ra.requestsPerSecond, cpu: cb / ca });
    // A side that answered with errors measured something else: the figures would mislead.
    if ([ra, rb].some((r) => r.non2xx + r.errors + r.timeouts > 0)) failed = true;
    console.log(
      `round ${round}: A ${ra.requestsPerSecond.toFixed(0)} req/s ${ca.toFixed(0)} µs/req p99 ${ra.p99} ms${failures(ra)} | ` +
        `B ${rb.requestsPerSecond.toFixed(0)} req/s ${cb.toFixed(0)} µs/req p99 ${rb.p99} ms${failures(rb)} | ` +
        `B÷A req/s ${(rb.requestsPerSecond / ra.requestsPerSecond).toFixed(2)}, CPU/req ${(cb / ca).toFixed(2)}`,
    );
  }
  console.log(
    `median B÷A: req/s ${median(ratios.map((r) => r.rps)).toFixed(2)}, CPU per request ${median(ratios.map((r) => r.cpu)).toFixed(2)}`,
  );
  if (failed) {
    console.error('some requests failed (non-2xx, errors or timeouts): the ratios above do not compare like with like');
    process.exitCode = 1;
  }
} finally {
  await Promise.all(running.map((server) => server.stop()));
  await product.close();
}
