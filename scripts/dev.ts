/**
 * `npm run dev`: the whole product on one machine, reloading on change.
 * PostgreSQL: DATABASE_URL if set, else an embedded server in .data/postgres.
 * Redis: REDIS_URL (default local); if nothing answers, a local redis-server.
 * Stripe: STRIPE_SECRET_KEY if set, else the local Stripe emulator.
 * E-mail: SMTP_URL if set, else the dev inbox (SMTP on DEV_SMTP_PORT, web page on DEV_INBOX_PORT).
 * Migrations are applied before the API and the worker start.
 * Web: the React example (examples/web) with Vite on WEB_PORT (default 5173).
 */
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';

import { ConfigError, loadConfig, readEnv } from '@groundwork/config';
import { createDb, migrateLatest } from '@groundwork/db';

import { startDevInbox } from './lib/dev-inbox/index.js';
import { ensureDevRedis } from './lib/dev-redis.js';
import { webDefaults } from './lib/dev-web.js';
import { startEmbeddedPostgres } from './lib/dev-postgres.js';
import { type DevSettings, loadDevSettings } from './lib/dev-settings.js';
import { startDevStripe } from './lib/dev-stripe.js';
import { listenForStopSignals, startProcess, superviseUntilStopped } from './lib/supervise.js';

const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations', import.meta.url));
const log = (line: string) => console.error(`[groundwork] ${line}`);

// Development unless said otherwise (an unset NODE_ENV means production everywhere else).
const env: Record<string, string | undefined> = { NODE_ENV: 'development', ...readEnv() };
// The React example (examples/web) on WEB_PORT, in the API's browser mode: the refresh token in
// an HttpOnly cookie, which the API accepts only from the allowed origin.
let settings: DevSettings;
try {
  settings = loadDevSettings(env);
} catch (error) {
  log(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
const webOrigin = `http://localhost:${settings.webPort}`;
const web = webDefaults(webOrigin);
for (const [key, value] of Object.entries(web)) env[key] ??= value;
// Before anything is started: a Ctrl-C during start-up must still stop what was started.
const signals = listenForStopSignals();
const cleanups: (() => Promise<void>)[] = [];
/** Runs each step once, newest first, whatever path leads here. */
const cleanup = async () => {
  for (const step of cleanups.splice(0).reverse())
    await step().catch((error: unknown) => log(`cleanup failed: ${String(error)}`));
};

try {
  if (!settings.databaseUrl) {
    const postgres = await startEmbeddedPostgres({ port: settings.embeddedPostgresPort, log });
    cleanups.push(postgres.stop);
    env.DATABASE_URL = postgres.url;
    log(`embedded PostgreSQL ready at ${postgres.url}`);
  }
  const redis = await ensureDevRedis(settings.redisUrl, log);
  cleanups.push(redis.stop);
  if (!settings.stripeSecretKey) {
    const stripe = await startDevStripe({ port: settings.stripeEmulatorPort, apiPort: settings.apiPort, log });
    cleanups.push(stripe.stop);
    Object.assign(env, stripe.env);
  }
  if (!settings.smtpUrl && settings.emailDelivery === 'smtp') {
    const inbox = await startDevInbox({ smtpPort: settings.smtpPort, httpPort: settings.inboxPort, log }).catch(
      (error: unknown) => {
        throw new Error(
          `could not start the dev inbox (${String(error)}): set DEV_SMTP_PORT and DEV_INBOX_PORT to free ports, or SMTP_URL to your own mail server`,
        );
      },
    );
    cleanups.push(() => inbox.stop());
    env.SMTP_URL = inbox.smtpUrl;
    log(`dev inbox: ${inbox.url} (mail the worker sends, received at ${inbox.smtpUrl})`);
  } else if (settings.smtpUrl) {
    log('e-mail goes to SMTP_URL (no dev inbox)');
  } else {
    log('e-mail is off (EMAIL_DELIVERY=disabled): no dev inbox');
  }

  if (!env.ADMIN_USERNAME && !env.ADMIN_PASSWORD) {
    // The queue dashboard needs an operator login; this session gets a fresh one.
    Object.assign(env, { ADMIN_USERNAME: 'admin', ADMIN_PASSWORD: randomBytes(12).toString('base64url') });
    log(
      `queue dashboard: http://127.0.0.1:${settings.apiPort}/admin/queues (user admin, password ${env.ADMIN_PASSWORD})`,
    );
  }
  log(`API docs: http://127.0.0.1:${settings.apiPort}/docs`);

  const config = loadConfig(env);
  // Migrations may run longer than a request is allowed to.
  const db = createDb({ ...config.db, statementTimeoutMs: 0 });
  log('applying pending migrations…');
  const applied = await migrateLatest(db, MIGRATIONS_DIR);
  await db.destroy();
  log(applied.length > 0 ? `applied migrations: ${applied.join(', ')}` : 'database schema is up to date');
} catch (error) {
  log(
    error instanceof ConfigError || error instanceof Error
      ? error.message
      : `could not start: ${JSON.stringify(error) ?? 'unknown error'}`,
  );
  await cleanup();
  process.exit(1);
}

if (signals.received()) {
  log('stopped during start-up');
  await cleanup();
  process.exit(0);
}

const tsx = fileURLToPath(new URL('../node_modules/.bin/tsx', import.meta.url));
const vite = fileURLToPath(new URL('../node_modules/.bin/vite', import.meta.url));
env.VITE_API_URL ??= `http://localhost:${settings.apiPort}`;
const processes = [
  startProcess('api', [tsx, 'watch', '--clear-screen=false', 'apps/api/src/main.ts'], env),
  startProcess('worker', [tsx, 'watch', '--clear-screen=false', 'apps/worker/src/main.ts'], env),
  startProcess('web', [vite, 'examples/web', '--config', 'examples/web/vite.config.ts', '--clearScreen', 'false'], env),
];
log(`web example: ${webOrigin} (API at ${env.VITE_API_URL})`);
log('api, worker and web starting; they reload when their sources change. Ctrl-C stops everything.');
process.exit(await superviseUntilStopped(processes, { stopTimeoutMs: 15_000, cleanup, signals }));
