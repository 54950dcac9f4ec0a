/**
 * `npm run demo:teams`: the teams story (invite, join through the link, use
 * the plan-gated feature, removal, refused) against the running dev stack
 * (`npm run dev` in another terminal). The invitation link is read from the
 * e-mail outbox in the development database. API_URL and STRIPE_EMULATOR_URL
 * override where it looks.
 */
import { loadConfigOrExit, readEnv } from '@groundwork/config';
import { createDb } from '@groundwork/db';
import { renderEmail } from '@groundwork/email';

import { runTeamsDemo } from './lib/demo-teams.js';

const env = readEnv();
const config = loadConfigOrExit();
const db = createDb(config.db);

async function invitationLink(email: string): Promise<string> {
  const row: { data: unknown } | undefined = await db('outboundEmails')
    .where({ recipient: email, template: 'invitation' })
    .orderBy('createdAt', 'desc')
    .first('data');
  const link = row ? /https?:\/\/\S+/.exec(renderEmail('invitation', row.data).text)?.[0] : undefined;
  if (!link) throw new Error(`no invitation e-mail to ${email} in the outbox`);
  return link;
}

try {
  await runTeamsDemo({
    apiUrl: env.API_URL ?? `http://127.0.0.1:${env.PORT ?? '3000'}`,
    emulatorUrl: env.STRIPE_EMULATOR_URL ?? `http://127.0.0.1:${env.DEV_STRIPE_EMULATOR_PORT ?? '12111'}`,
    invitationLink,
    log: (line) => console.log(line),
  });
} catch (error) {
  console.error(`✘ ${error instanceof Error ? error.message : String(error)}`);
  console.error('Is `npm run dev` running (API, worker and the local Stripe emulator)?');
  process.exitCode = 1;
} finally {
  await db.destroy();
}
