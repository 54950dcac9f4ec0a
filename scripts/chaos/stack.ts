import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { startStripeEmulator, type StripeEmulator } from '@groundwork/stripe-emulator';

import { productionNode } from '../image/node-runtime.js';
import { exitOf, startProcess } from '../image/processes.js';
import { apiArgv } from '../lib/build/entries.js';
import { fillProductionEnv, readProductionExample } from '../image/production-env.js';
import { freePort, selfSignedCertificate } from '../image/services.js';
import { builtProcess, type BuiltProcess } from './built-process.js';
import { type PrivatePostgres, startPrivatePostgres } from './private-postgres.js';
import { type PrivateRedis, startPrivateRedis } from './private-redis.js';

/**
 * Settings that differ from the filled production example, and why: the
 * whole storm comes from one IP (the signup and per-call limits would refuse
 * it) and BCRYPT_COST is production's minimum so hundreds of signups fit the
 * time bound; e-mail is off (the suite has no SMTP server). Everything else
 * (stall detection, sweeper, schedule checks, caches) runs on its production
 * default.
 */
const SUITE_SETTINGS = {
  RATE_LIMIT_SIGNUP: '100000/hour',
  RATE_LIMIT_DEFAULT: '1000000/minute',
  BCRYPT_COST: '10',
  LOG_LEVEL: 'warn',
  // No SMTP server here: signups' verification links are read from the outbox (organizations.ts), as before
  // the example asked for SMTP settings.
  EMAIL_DELIVERY: 'disabled',
  SMTP_URL: 'none',
  MAIL_FROM: 'none',
};

export type Stack = {
  dir: string;
  postgres: PrivatePostgres;
  redis: PrivateRedis;
  stripe: StripeEmulator;
  webhookSecret: string;
  prices: { pro: string; business: string };
  apis: (BuiltProcess & { url: string })[];
  workers: BuiltProcess[];
  close: () => Promise<void>;
};

/**
 * PostgreSQL, Redis and https Stripe of the suite's own, the migrations from
 * dist/, then 2 APIs and 2 workers from the built artifacts in production mode, on the Node production
 * runs (the Dockerfile's NODE_VERSION, ADR 049).
 */
export async function startStack(options: { path: string; log: (line: string) => void }): Promise<Stack> {
  const dir = await mkdtemp(join(tmpdir(), 'groundwork-chaos-'));
  await chmod(dir, 0o755); // PostgreSQL's user must traverse it; the apps read the certificate
  const cleanups: (() => Promise<void>)[] = [() => rm(dir, { recursive: true, force: true })];
  const close = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  };
  try {
    const postgres = await startPrivatePostgres({ dir: join(dir, 'pg'), port: await freePort(), path: options.path });
    cleanups.push(() => postgres.stop());
    const redis = await startPrivateRedis({ dir, port: await freePort() });
    cleanups.push(() => redis.stop());
    options.log(`private PostgreSQL and Redis (${redis.url}) up in ${dir}`);

    const production = fillProductionEnv(await readProductionExample(), { POSTGRES_PASSWORD: postgres.password });
    const prices = {
      pro: production.STRIPE_PRICE_PRO_MONTHLY ?? '',
      business: production.STRIPE_PRICE_BUSINESS_MONTHLY ?? '',
    };
    const certificate = await selfSignedCertificate(dir, { ips: ['127.0.0.1'], dns: [] });
    await chmod(certificate.certPath, 0o644);
    const stripe = await startStripeEmulator({
      host: '127.0.0.1',
      tls: certificate,
      delivery: 'manual', // the suite delivers every event itself, split across both APIs
      secretKey: production.STRIPE_SECRET_KEY ?? '',
      prices: [
        { id: prices.pro, interval: 'month', unitAmount: 2_900 },
        { id: prices.business, interval: 'month', unitAmount: 9_900 },
      ],
    });
    cleanups.push(() => stripe.close());

    const node = await productionNode();
    const env: Record<string, string> = {
      ...production,
      ...SUITE_SETTINGS,
      PATH: options.path,
      NODE_ENV: 'production',
      DATABASE_URL: postgres.url,
      REDIS_URL: redis.url,
      MIGRATIONS_DIR: 'dist/migrations',
      STRIPE_API_BASE: stripe.url,
      NODE_EXTRA_CA_CERTS: certificate.certPath,
      HOST: '127.0.0.1',
    };
    const migrate = startProcess('migrate', [node.path, 'dist/db.js', 'latest'], { cwd: process.cwd(), env });
    if ((await exitOf(migrate, 60_000)) !== 0) throw new Error(`migrations failed:\n${migrate.output()}`);

    const apis = await Promise.all(
      ['api-a', 'api-b'].map(async (name) => {
        const port = await freePort();
        const url = `http://127.0.0.1:${port}`;
        const api = builtProcess({
          name,
          argv: apiArgv(undefined, node.path),
          env: { ...env, PORT: String(port) },
          readyUrl: `${url}/ready`,
        });
        return Object.assign(api, { url });
      }),
    );
    const workers = await Promise.all(
      ['worker-a', 'worker-b'].map(async (name) => {
        const port = await freePort();
        const workerEnv = { ...env, WORKER_HEALTH_PORT: String(port) };
        return builtProcess({
          name,
          argv: [node.path, 'dist/worker.js'],
          env: workerEnv,
          readyUrl: `http://127.0.0.1:${port}/ready`,
        });
      }),
    );
    for (const app of [...apis, ...workers]) cleanups.push(() => app.stop());
    const readyMs = await Promise.all([...apis, ...workers].map((app) => app.start()));
    options.log(
      `2 APIs and 2 workers (dist/, NODE_ENV=production, Node ${node.version}) ready in ${Math.max(...readyMs)} ms`,
    );
    return {
      dir,
      postgres,
      redis,
      stripe,
      webhookSecret: production.STRIPE_WEBHOOK_SECRET ?? '',
      prices,
      apis,
      workers,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
