/**
 * `npm run bench`: the request path measured against stock baselines in one
 * run, each target on a fresh server process pinned to one CPU with the load
 * generator (autocannon, its own process) on another. Prints req/s, p50/p99,
 * peak RSS and each target's ratio to the stock tRPC-on-Express echo, checked
 * against the goals of issue 10; then the login flood, the webhook route and
 * the cold start. Numbers live here, never in unit tests.
 *
 *   --smoke           seconds, not minutes: one short round each (CI keeps the harness working)
 *   --rounds N        default 3       --duration S  default 10     --warmup S  default 3
 *   --connections N   default 50      --no-build    use the existing dist/
 *   --only a,b        targets whose key contains one of these (table only)
 *   --skip flood,webhook,cold-start
 *   --api FILE        the API bundle to measure (default dist/api.js; e.g. a copy of an earlier build)
 *   --quiet-wait S    how long to wait for a quiet machine before each round (default 60; 0 on --smoke)
 *   --node-options S  NODE_OPTIONS for the product's processes only (e.g. a V8 flag to A/B)
 *   --current-node    run the servers on this process's Node instead of production's (the Dockerfile's NODE_VERSION)
 */
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';

import { readEnv } from '@groundwork/config';

import { buildBaselines, BASELINE_DIR, ECHO_INPUT, REFERENCE } from './lib/baselines.js';
import { describeMachine, pinning } from './lib/machine.js';
import { type Figures, measure, NOISY, type Timing } from './lib/measure.js';
import { prepareProduct } from './lib/product.js';
import { printScenarios, printTable } from './lib/report.js';
import { runLoginFlood } from './lib/login-flood.js';
import { runWebhook } from './lib/webhook.js';
import { serverNode } from './lib/server-node.js';
import { startServer } from './lib/servers.js';
import { freePort } from '../scripts/image/services.js';

const { values } = parseArgs({
  options: {
    smoke: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    duration: { type: 'string' },
    warmup: { type: 'string' },
    connections: { type: 'string', default: '50' },
    'no-build': { type: 'boolean', default: false },
    only: { type: 'string' },
    skip: { type: 'string', default: '' },
    api: { type: 'string', default: 'dist/api.js' },
    'quiet-wait': { type: 'string' },
    'node-options': { type: 'string' },
    'current-node': { type: 'boolean', default: false },
  },
});
const smoke = values.smoke;
const timing: Timing = {
  rounds: Number(values.rounds ?? (smoke ? 1 : 3)),
  durationSeconds: Number(values.duration ?? (smoke ? 1 : 10)),
  warmupSeconds: Number(values.warmup ?? (smoke ? 0.5 : 3)),
  quietWaitMs: Number(values['quiet-wait'] ?? (smoke ? 0 : 60)) * 1000,
};
const connections = Number(values.connections);
const skip = new Set(values.skip.split(',').filter(Boolean));
const placement = pinning();

if (!values['no-build']) execFileSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
await buildBaselines();

const node = await serverNode({ current: values['current-node'] });
const product = await prepareProduct({
  api: values.api,
  node: node.path,
  env: {
    // High enough never to refuse, so the limiter still runs on every call without shaping the load.
    RATE_LIMIT_DEFAULT: '1000000000/minute',
    // The flood comes "from" many addresses through one trusted proxy hop, as it would in production.
    TRUST_PROXY: '1',
    ...(values['node-options'] ? { NODE_OPTIONS: values['node-options'] } : {}),
  },
});

type Target = {
  key: string;
  name: string;
  argv: (port: number) => string[];
  path: (ids: { organizationId: string }) => string;
  auth?: boolean;
  product?: boolean;
  reference?: boolean;
};
const targets: Target[] = [
  {
    key: 'raw',
    name: 'raw `node:http` echo',
    argv: (port) => [node.path, `${BASELINE_DIR}/raw-http.js`, String(port)],
    path: () => `/echo?input=${ECHO_INPUT}`,
  },
  {
    key: 'standalone',
    name: 'stock tRPC standalone + superjson echo',
    argv: (port) => [node.path, `${BASELINE_DIR}/trpc-standalone.js`, String(port)],
    path: () => `/trpc/echo?input=${encodeURIComponent(JSON.stringify({ json: { text: 'hello' } }))}`,
  },
  {
    key: 'express',
    name: 'stock tRPC on Express 5 + zod echo',
    argv: (port) => REFERENCE.argv(port, node.path),
    path: () => REFERENCE.path,
    reference: true,
  },
  { key: 'health', name: 'product `/health`', argv: () => product.argv, path: () => '/health', product: true },
  {
    key: 'public',
    name: 'product `system.status` (public)',
    argv: () => product.argv,
    path: () => '/trpc/system.status',
    product: true,
  },
  {
    key: 'protected',
    name: 'product `auth.me` (protected, 2 SQL reads)',
    argv: () => product.argv,
    path: () => '/trpc/auth.me',
    product: true,
    auth: true,
  },
  {
    key: 'gated',
    name: 'product `analytics.limits` (gated, no I/O)',
    argv: () => product.argv,
    path: ({ organizationId }) =>
      `/trpc/analytics.limits?input=${encodeURIComponent(JSON.stringify({ organizationId }))}`,
    product: true,
    auth: true,
  },
  {
    key: 'dashboard',
    name: 'product `analytics.dashboard` (gated, 1 SQL read)',
    argv: () => product.argv,
    path: ({ organizationId }) =>
      `/trpc/analytics.dashboard?input=${encodeURIComponent(JSON.stringify({ organizationId }))}`,
    product: true,
    auth: true,
  },
];
const only = values.only?.split(',');
const selected = targets.filter(
  (target) => (target.reference ?? false) || !only || only.some((key) => target.key.includes(key)),
);

const productUrl = new URL(product.url);
const startProduct = () =>
  startServer({
    argv: product.argv,
    env: product.env,
    cpu: placement.server,
    pin: placement.pinned,
    readyUrl: `${product.url}/ready`,
  });

const results: { target: Target; figures: Figures }[] = [];
try {
  const seeding = await startProduct();
  const ids = await product.seed().finally(() => seeding.stop());
  console.log(
    `\nBench: ${describeMachine(node.version)}; server on CPU ${placement.server}, load on CPU ${placement.load}` +
      `${placement.pinned ? '' : ' (NOT pinned: taskset missing or one CPU)'}; ${timing.rounds} × ${timing.durationSeconds} s ` +
      `after ${timing.warmupSeconds} s warm-up, ${connections} connections`,
  );
  for (const target of selected) {
    const port = target.product ? Number(productUrl.port) : await freePort();
    const server = target.product
      ? await startProduct()
      : await startServer({
          argv: target.argv(port),
          env: { PATH: readEnv().PATH ?? '', NODE_ENV: 'production' },
          cpu: placement.server,
          pin: placement.pinned,
          readyUrl: `http://127.0.0.1:${port}${target.path(ids)}`,
        });
    try {
      const headers: Record<string, string> = target.auth
        ? { authorization: `Bearer ${await product.accessToken()}` }
        : {};
      const figures = await measure(
        server,
        { url: `http://127.0.0.1:${port}${target.path(ids)}`, connections, headers },
        { placement, timing },
      );
      results.push({ target, figures });
      process.stderr.write(`  ${target.name}: ${figures.requestsPerSecond} req/s\n`);
    } finally {
      await server.stop();
    }
  }
  printTable(results, { noisy: NOISY, date: new Date() });

  const scenarios: string[] = [];
  if (!skip.has('flood')) {
    scenarios.push(
      await runLoginFlood({
        product,
        startProduct,
        placement,
        timing,
        connections,
        organizationId: ids.organizationId,
      }),
    );
  }
  if (!skip.has('webhook')) scenarios.push(await runWebhook({ product, startProduct, placement, timing, connections }));
  printScenarios(scenarios);
} finally {
  await product.close();
}

if (!skip.has('cold-start')) {
  execFileSync('npx', ['tsx', 'bench/cold-start.ts', '--no-build', '--rounds', smoke ? '1' : '5'], {
    stdio: 'inherit',
  });
}
