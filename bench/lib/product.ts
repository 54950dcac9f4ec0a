import { randomBytes } from 'node:crypto';

import { readEnv } from '@groundwork/config';
import { Redis } from 'ioredis';
import pg from 'pg';

import { apiArgv } from '../../scripts/lib/build/entries.js';
import { exitOf, startProcess } from '../../scripts/image/processes.js';
import { startProductionServices } from '../../scripts/image/production-services.js';

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
 * A fresh key prefix looks like a Redis that just lost its data: for one
 * access-token lifetime every authenticated call would also ask the database
 * whether its session was revoked (ADR 012). Production runs on a Redis that
 * kept its data, so the bench dates the "since" key back a day.
 */
async function steadyRevocations(env: Record<string, string>): Promise<void> {
  const redis = new Redis(env.REDIS_URL ?? '');
  try {
    await redis.set(`${env.REDIS_KEY_PREFIX ?? ''}:{auth}:revocations-since`, String(Date.now() - 86_400_000));
  } finally {
    redis.disconnect();
  }
}

/**
 * The built API in production mode against its own scratch database, Redis
 * key prefix and https Stripe emulator (the cold-start bench's set-up), with
 * one user whose organization is on the business plan.
 */
export async function prepareProduct(options: { env: Record<string, string>; api?: string; node: string }) {
  const services = await startProductionServices({ name: 'gw-bench' });
  const { production, apiPort: port } = services;
  const databaseUrl = services.directEnv.DATABASE_URL ?? '';
  const processEnv: Record<string, string> = { ...services.directEnv, PATH: readEnv().PATH ?? '', ...options.env };
  const migrate = startProcess('migrate', [process.execPath, 'dist/db.js', 'latest'], {
    cwd: process.cwd(),
    env: processEnv,
  });
  if ((await exitOf(migrate, 60_000)) !== 0) throw new Error(`migrations failed:\n${migrate.output()}`);
  await steadyRevocations(processEnv);
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
    argv: apiArgv(options.api, options.node),
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
    close: () => services.close(),
  };
}
