import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { readEnv } from '@groundwork/config';
import type { StripeEmulator } from '@groundwork/stripe-emulator';

import { type MailCatcher, startMailCatcher } from './mail-catcher.js';
import { fillProductionEnv, readProductionExample } from './production-env.js';
import {
  createScratchDatabase,
  deleteRedisKeys,
  freePort,
  type ScratchDatabase,
  selfSignedCertificate,
  startHttpsStripe,
} from './services.js';

export type ProductionServices = {
  /** `.env.production.example` filled in as its comments ask, with this database's password and SMTP server. */
  production: Record<string, string>;
  database: ScratchDatabase;
  redisUrl: string;
  /** A key prefix of its own, removed by `close`. */
  keyPrefix: string;
  stripe: StripeEmulator;
  /** The SMTP server the stack delivers its e-mail to (SMTP_URL), with an inbox to read it. */
  mail: MailCatcher;
  /** The CA the apps must trust for the https Stripe (`NODE_EXTRA_CA_CERTS`), readable by any user. */
  certificatePath: string;
  apiPort: number;
  /** The environment of a built process started directly (`node dist/api.js`), in production mode. */
  directEnv: Record<string, string>;
  close: () => Promise<void>;
};

/**
 * What production needs around the built processes, on this machine: a
 * PostgreSQL role with a production-strength password and its database, a Redis
 * key prefix, an SMTP server that keeps what it receives, and Stripe as the
 * emulator over https (production refuses an http Stripe), seeded with the
 * price ids of the filled production example. Shared
 * by the image rehearsal and the benchmarks; `close` removes all of it.
 */
export async function startProductionServices(options: { name: string }): Promise<ProductionServices> {
  const env = readEnv();
  const work = await mkdtemp(join(tmpdir(), `${options.name}-`));
  await chmod(work, 0o755); // an unprivileged process must reach the certificate
  const database = await createScratchDatabase(
    env.REHEARSAL_DATABASE_ADMIN_URL ??
      env.TEST_DATABASE_ADMIN_URL ??
      'postgres://groundwork:groundwork@127.0.0.1:5432/postgres',
  );
  const redisUrl = env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const keyPrefix = `${options.name.replaceAll('-', '_')}_${randomBytes(3).toString('hex')}`;
  const apiPort = await freePort();
  const mail = await startMailCatcher({ smtpHost: '127.0.0.1' });
  const production = fillProductionEnv(await readProductionExample(), {
    POSTGRES_PASSWORD: database.password,
    SMTP_URL: `smtp://127.0.0.1:${mail.smtpPort}`,
    MAIL_FROM: 'Groundwork <no-reply@rehearsal.test>',
  });
  const certificate = await selfSignedCertificate(work, { ips: ['127.0.0.1'], dns: [] });
  await chmod(certificate.certPath, 0o644);
  const stripe = await startHttpsStripe({
    tls: certificate,
    host: '127.0.0.1',
    prices: {
      pro: production.STRIPE_PRICE_PRO_MONTHLY ?? '',
      business: production.STRIPE_PRICE_BUSINESS_MONTHLY ?? '',
    },
    webhook: { url: `http://127.0.0.1:${apiPort}/webhooks/stripe`, secret: production.STRIPE_WEBHOOK_SECRET ?? '' },
  });
  return {
    production,
    database,
    redisUrl,
    keyPrefix,
    stripe,
    mail,
    certificatePath: certificate.certPath,
    apiPort,
    directEnv: {
      ...production,
      NODE_ENV: 'production',
      DATABASE_URL: `postgres://${database.user}:${database.password}@127.0.0.1:5432/${database.database}`,
      REDIS_URL: redisUrl,
      REDIS_KEY_PREFIX: keyPrefix,
      MIGRATIONS_DIR: 'dist/migrations',
      STRIPE_API_BASE: stripe.url,
      NODE_EXTRA_CA_CERTS: certificate.certPath,
      PORT: String(apiPort),
    },
    async close() {
      await stripe.close();
      await mail.close();
      await deleteRedisKeys(redisUrl, keyPrefix);
      await database.drop();
      await rm(work, { recursive: true, force: true });
    },
  };
}
