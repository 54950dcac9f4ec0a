/**
 * `npm run demo`: runs the whole billing journey against the running dev stack
 * (`npm run dev` in another terminal). API_URL and STRIPE_EMULATOR_URL
 * override where it looks. The verification link is read where a user would
 * click it: in the mail the stack delivered when MAIL_INBOX_URL names an inbox
 * (the image rehearsal's catcher), in the dev inbox of `npm run dev`, or,
 * against another stack (API_URL set), from the e-mail outbox in its database.
 */
import { loadConfigOrExit, readEnv } from '@groundwork/config';
import { createDb } from '@groundwork/db';

import { deliveredMailLinks } from './lib/delivered-mail-links.js';
import { runDemo } from './lib/demo.js';
import { devInboxUrl, inboxLinks } from './lib/inbox-links.js';
import { outboxLinks } from './lib/outbox-links.js';

const env = readEnv();
// A rehearsal or a remote stack names its database; `npm run dev`'s comes from the development config.
const db =
  env.MAIL_INBOX_URL || !env.API_URL
    ? null
    : createDb(
        env.DATABASE_URL
          ? loadConfigOrExit({ NODE_ENV: 'development', DATABASE_URL: env.DATABASE_URL }).db
          : loadConfigOrExit().db,
      );
// The dev stack delivers its mail to the dev inbox, and a delivered message's links are erased from the outbox.
const links = env.MAIL_INBOX_URL
  ? deliveredMailLinks(env.MAIL_INBOX_URL)
  : db
    ? outboxLinks(db)
    : inboxLinks(devInboxUrl(env));
try {
  await runDemo({
    apiUrl: env.API_URL ?? `http://127.0.0.1:${env.PORT ?? '3000'}`,
    emulatorUrl: env.STRIPE_EMULATOR_URL ?? `http://127.0.0.1:${env.DEV_STRIPE_EMULATOR_PORT ?? '12111'}`,
    verificationLink: links.verificationLink,
    log: (line) => console.log(line),
  });
} catch (error) {
  console.error(`✘ ${error instanceof Error ? error.message : String(error)}`);
  console.error('Is `npm run dev` running (API, worker and the local Stripe emulator)?');
  process.exitCode = 1;
} finally {
  await db?.destroy();
}
