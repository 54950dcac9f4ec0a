/**
 * `npx tsx bench/profile.ts --target gated`: a CPU profile of the built API
 * (`node --cpu-prof`) under autocannon load on one target, summarised by
 * function and by package; the raw `.cpuprofile` is kept for DevTools.
 *
 *   --target gated|public|protected|health|webhook   default gated
 *   --duration S  default 10     --connections N  default 50     --no-build
 *   --current-node  this process's Node instead of production's (the Dockerfile's NODE_VERSION)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { runLoad, type LoadSpec } from './lib/load.js';
import { pinning } from './lib/machine.js';
import { prepareProduct } from './lib/product.js';
import { summarizeProfile } from './lib/profile-summary.js';
import { serverNode } from './lib/server-node.js';
import { webhookEvents } from './lib/webhook.js';
import { startServer } from './lib/servers.js';

const { values } = parseArgs({
  options: {
    target: { type: 'string', default: 'gated' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
    'no-build': { type: 'boolean', default: false },
    'current-node': { type: 'boolean', default: false },
  },
});
if (!values['no-build']) execFileSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });

const placement = pinning();
const profileDir = mkdtempSync(join(tmpdir(), 'gw-profile-'));
const node = await serverNode({ current: values['current-node'] });
const product = await prepareProduct({ node: node.path, env: { RATE_LIMIT_DEFAULT: '1000000000/minute' } });
const start = (argv: string[]) =>
  startServer({
    argv,
    env: product.env,
    cpu: placement.server,
    pin: placement.pinned,
    readyUrl: `${product.url}/ready`,
  });

try {
  const seeding = await start(product.argv);
  const { organizationId } = await product.seed().finally(() => seeding.stop());
  const [node = process.execPath, ...rest] = product.argv;
  const server = await start([node, '--cpu-prof', `--cpu-prof-dir=${profileDir}`, ...rest]);
  const input = encodeURIComponent(JSON.stringify({ organizationId }));
  const authorization = { authorization: `Bearer ${await product.accessToken()}` };
  const specs: Record<string, Omit<LoadSpec, 'durationSeconds'>> = {
    health: { url: `${product.url}/health`, connections: 0 },
    public: { url: `${product.url}/trpc/system.status`, connections: 0 },
    protected: { url: `${product.url}/trpc/auth.me`, connections: 0, headers: authorization },
    gated: { url: `${product.url}/trpc/analytics.limits?input=${input}`, connections: 0, headers: authorization },
    webhook: {
      url: `${product.url}/webhooks/stripe`,
      connections: 0,
      stripeEvents: webhookEvents(product.webhookSecret, Number(values.duration)),
    },
  };
  const spec = specs[values.target];
  if (!spec) throw new Error(`unknown target ${values.target}`);
  const result = await runLoad(
    { ...spec, connections: Number(values.connections), durationSeconds: Number(values.duration) },
    { cpu: placement.load, pin: placement.pinned },
  );
  await server.stop();
  const file = readdirSync(profileDir).find((name) => name.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no profile written in ${profileDir}`);
  console.log(`${values.target}: ${result.requestsPerSecond} req/s, p99 ${result.p99} ms, non-2xx ${result.non2xx}`);
  console.log(`Profile: ${join(profileDir, file)}\n`);
  console.log(summarizeProfile(join(profileDir, file)));
} finally {
  await product.close();
}
