/**
 * `npm run demo:teams`: the teams story (invite, join through the link, use
 * the plan-gated feature, removal, refused) against the running dev stack
 * (`npm run dev` in another terminal). The invitation and verification links
 * are read from the dev inbox of `npm run dev`, or, against another stack
 * (API_URL set), from the e-mail outbox in its database. API_URL and STRIPE_EMULATOR_URL
 * override where it looks.
 */
import { loadConfigOrExit, readEnv } from '@groundwork/config';
import { createDb, type Knex } from '@groundwork/db';

import { runTeamsDemo } from './lib/demo-teams.js';
import { devInboxUrl, inboxLinks } from './lib/inbox-links.js';
import { outboxLinks } from './lib/outbox-links.js';

const env = readEnv();
// The dev stack delivers its mail to the dev inbox, and a delivered message's links are erased from the outbox.
const links = (db: Knex) => (env.API_URL ? outboxLinks(db) : inboxLinks(devInboxUrl(env)));
const config = loadConfigOrExit();
const db = createDb(config.db);

try {
  await runTeamsDemo({
    apiUrl: env.API_URL ?? `http://127.0.0.1:${env.PORT ?? '3000'}`,
    emulatorUrl: env.STRIPE_EMULATOR_URL ?? `http://127.0.0.1:${env.DEV_STRIPE_EMULATOR_PORT ?? '12111'}`,
    ...links(db),
    log: (line) => console.log(line),
  });
} catch (error) {
  console.error(`✘ ${error instanceof Error ? error.message : String(error)}`);
  console.error('Is `npm run dev` running (API, worker and the local Stripe emulator)?');
  process.exitCode = 1;
} finally {
  await db.destroy();
}
