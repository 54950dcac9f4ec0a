import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { readEnv } from '@groundwork/config';
import pg from 'pg';

import { exitOf, startProcess } from '../../scripts/image/processes.js';
import { fillProductionEnv, readProductionExample } from '../../scripts/image/production-env.js';
import {
  createScratchDatabase,
  deleteRedisKeys,
  freePort,
  selfSignedCertificate,
  startHttpsStripe,
} from '../../scripts/image/services.js';

export type Product = Awaited<ReturnType<typeof prepareProduct>>;

async function call<T>(url: string, path: string, init: { body?: unknown; token?: string } = {}): Promise<T> {
  const response = await fetch(`${url}/trpc/${path}`, {
    method: init.body === undefined ? 'GET' : 'POST',
    headers: {
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const json = (await response.json()) as { result?: { data: T }; error?: unknown };
  if (!json.result) throw new Error(`${path} failed: ${JSON.stringify(json.error)}`);
  return json.result.data;
}

/**
 * The built API in production mode against its own scratch database, Redis
 * key prefix and https Stripe emulator (the cold-start bench's set-up), with
 * one user whose organization is on the business plan.
 */
export async function prepareProduct(options: { env: Record<string, string> }) {
  const env = readEnv();
  const work = await mkdtemp(join(tmpdir(), 'gw-bench-'));
  const database = await createScratchDatabase(
    env.REHEARSAL_DATABASE_ADMIN_URL ??
      env.TEST_DATABASE_ADMIN_URL ??
      'postgres://groundwork:groundwork@127.0.0.1:5432/postgres',
  );
  const redisUrl = env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const keyPrefix = `gw_bench_${randomBytes(3).toString('hex')}`;
  const port = await freePort();
  const production = fillProductionEnv(await readProductionExample());
  const certificate = await selfSignedCertificate(work, { ips: ['127.0.0.1'], dns: [] });
  const stripe = await startHttpsStripe({
    tls: certificate,
    host: '127.0.0.1',
    prices: {
      pro: production.STRIPE_PRICE_PRO_MONTHLY ?? '',
      business: production.STRIPE_PRICE_BUSINESS_MONTHLY ?? '',
    },
    webhook: { url: `http://127.0.0.1:${port}/webhooks/stripe`, secret: production.STRIPE_WEBHOOK_SECRET ?? '' },
  });
  const databaseUrl = `postgres://${database.user}:${database.password}@127.0.0.1:5432/${database.database}`;
  const processEnv: Record<string, string> = {
    ...production,
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: keyPrefix,
    MIGRATIONS_DIR: 'dist/migrations',
    STRIPE_API_BASE: stripe.url,
    NODE_EXTRA_CA_CERTS: certificate.certPath,
    PORT: String(port),
    PATH: env.PATH ?? '',
    ...options.env,
  };
  const migrate = startProcess('migrate', [process.execPath, 'dist/db.js', 'latest'], {
    cwd: process.cwd(),
    env: processEnv,
  });
  if ((await exitOf(migrate, 60_000)) !== 0) throw new Error(`migrations failed:\n${migrate.output()}`);
  const url = `http://127.0.0.1:${port}`;
  const account = {
    email: `bench-${randomBytes(4).toString('hex')}@bench.test`,
    password: randomBytes(12).toString('hex'),
  };

  return {
    url,
    env: processEnv,
    account,
    webhookSecret: production.STRIPE_WEBHOOK_SECRET ?? '',
    argv: [process.execPath, 'dist/api.js'],
    /** Once, with the API running: the user, and a business subscription for their organization. */
    async seed(): Promise<{ organizationId: string }> {
      await call(url, 'auth.signup', { body: { ...account, displayName: 'Bench' } });
      const { accessToken } = await call<{ accessToken: string }>(url, 'auth.login', { body: account });
      const me = await call<{ memberships: { organization: { id: string } }[] }>(url, 'auth.me', {
        token: accessToken,
      });
      const organizationId = me.memberships[0]?.organization.id ?? '';
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      await client.query(
        `insert into subscriptions (id, organization_id, stripe_customer_id, status, price_id, plan_key,
           current_period_start, current_period_end, stripe_created_at)
         values ($1, $2, 'cus_bench', 'active', $3, 'business', now(), now() + interval '30 days', now())`,
        [`sub_bench_${randomBytes(4).toString('hex')}`, organizationId, production.STRIPE_PRICE_BUSINESS_MONTHLY],
      );
      await client.end();
      return { organizationId };
    },
    /** A fresh access token (they live 15 minutes; a full run takes longer). */
    async accessToken(): Promise<string> {
      return (await call<{ accessToken: string }>(url, 'auth.login', { body: account })).accessToken;
    },
    async close() {
      await stripe.close();
      await deleteRedisKeys(redisUrl, keyPrefix);
      await database.drop();
      await rm(work, { recursive: true, force: true });
    },
  };
}
