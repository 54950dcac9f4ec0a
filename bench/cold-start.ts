/**
 * `npm run bench:cold-start`: how long production takes from `exec` to
 * `/ready` 200, for the API and the worker, started from the build (`dist/`)
 * with plain node in production mode, as the image runs them. Several rounds,
 * median and spread; the goal (issue 8) is 1.0 s for each.
 *
 *   --rounds N        default 7
 *   --production-node run on the image's Node (Dockerfile NODE_VERSION) instead of this one
 *   --no-build        use the existing dist/
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { readEnv } from '@groundwork/config';

import { nodeBinDir, productionNodeVersion } from '../scripts/image/node-runtime.js';
import { exitOf, readyWithin, startProcess, stopGracefully } from '../scripts/image/processes.js';
import { fillProductionEnv, readProductionExample } from '../scripts/image/production-env.js';
import {
  createScratchDatabase,
  deleteRedisKeys,
  freePort,
  selfSignedCertificate,
  startHttpsStripe,
} from '../scripts/image/services.js';

const GOAL_MS = 1_000;
const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '7' },
    'production-node': { type: 'boolean', default: false },
    'no-build': { type: 'boolean', default: false },
  },
});
const rounds = Number(values.rounds);
const env = readEnv();
const nodeBin = values['production-node'] ? await nodeBinDir(await productionNodeVersion()) : null;
const node = nodeBin ? join(nodeBin, 'node') : process.execPath;
if (!values['no-build']) execFileSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });

const work = await mkdtemp(join(tmpdir(), 'gw-cold-start-'));
const database = await createScratchDatabase(
  env.REHEARSAL_DATABASE_ADMIN_URL ??
    env.TEST_DATABASE_ADMIN_URL ??
    'postgres://groundwork:groundwork@127.0.0.1:5432/postgres',
);
const redisUrl = env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const keyPrefix = `gw_bench_${randomBytes(3).toString('hex')}`;
const [apiPort, workerPort] = [await freePort(), await freePort()];
const production = fillProductionEnv(await readProductionExample());
const certificate = await selfSignedCertificate(work, { ips: ['127.0.0.1'], dns: [] });
const stripe = await startHttpsStripe({
  tls: certificate,
  host: '127.0.0.1',
  prices: { pro: production.STRIPE_PRICE_PRO_MONTHLY ?? '', business: production.STRIPE_PRICE_BUSINESS_MONTHLY ?? '' },
  webhook: { url: `http://127.0.0.1:${apiPort}/webhooks/stripe`, secret: production.STRIPE_WEBHOOK_SECRET ?? '' },
});
const processEnv = {
  ...production,
  NODE_ENV: 'production',
  DATABASE_URL: `postgres://${database.user}:${database.password}@127.0.0.1:5432/${database.database}`,
  REDIS_URL: redisUrl,
  REDIS_KEY_PREFIX: keyPrefix,
  MIGRATIONS_DIR: 'dist/migrations',
  STRIPE_API_BASE: stripe.url,
  NODE_EXTRA_CA_CERTS: certificate.certPath,
  PORT: String(apiPort),
  WORKER_HEALTH_PORT: String(workerPort),
  LOG_LEVEL: 'warn',
};
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
    ['api', 'dist/api.js', apiPort, []],
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
  console.log(
    `\nCold start, exec → /ready 200, production mode, Node ${execFileSync(node, ['--version']).toString().trim()}, ${rounds} rounds`,
  );
  console.log('| process | median ms | min ms | max ms | goal ms |');
  console.log('|---|--:|--:|--:|--:|');
  for (const [name, samples] of Object.entries(figures)) {
    const goal = name.includes('before') ? '' : `${GOAL_MS}${median(samples) <= GOAL_MS ? '' : ' (missed)'}`;
    console.log(`| ${name} | ${median(samples)} | ${Math.min(...samples)} | ${Math.max(...samples)} | ${goal} |`);
  }
} finally {
  await stripe.close();
  await deleteRedisKeys(redisUrl, keyPrefix);
  await database.drop();
  await rm(work, { recursive: true, force: true });
}
