/**
 * `npm run demo:teams`: the teams story (invite, join through the link, use
 * the plan-gated feature, removal, refused) against the running dev stack
 * (`npm run dev` in another terminal). The invitation link is read from the
 * e-mail outbox in the development database, as is the owner's verification link. API_URL and STRIPE_EMULATOR_URL
 * override where it looks.
 */
import { loadConfigOrExit, readEnv } from '@groundwork/config';
import { createDb } from '@groundwork/db';

import { runTeamsDemo } from './lib/demo-teams.js';
import { outboxLinks } from './lib/outbox-links.js';

const env = readEnv();
const config = loadConfigOrExit();
const db = createDb(config.db);

try {
  await runTeamsDemo({
    apiUrl: env.API_URL ?? `http://127.0.0.1:${env.PORT ?? '3000'}`,
    emulatorUrl: env.STRIPE_EMULATOR_URL ?? `http://127.0.0.1:${env.DEV_STRIPE_EMULATOR_PORT ?? '12111'}`,
    ...outboxLinks(db),
    log: (line) => console.log(line),
  });
} catch (error) {
  console.error(`✘ ${error instanceof Error ? error.message : String(error)}`);
  console.error('Is `npm run dev` running (API, worker and the local Stripe emulator)?');
  process.exitCode = 1;
} finally {
  await db.destroy();
}
