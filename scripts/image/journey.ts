import { join } from 'node:path';

import { exitOf, startProcess } from './processes.js';

/**
 * `npm run demo` (sign up, verify the address with the link the worker mailed,
 * hit the plan gate, check out, the signed webhook reconciled by the worker,
 * the gated call, cancel, the gate closed) against a rehearsed stack, itself on
 * the rehearsal's Node, trusting the emulator's certificate like the apps do.
 * It is given no database: the link comes from the mail the stack delivered.
 */
export async function runJourney(options: {
  nodeBin: string;
  apiUrl: string;
  emulatorUrl: string;
  caPath: string;
  /** The inbox of the mail catcher the stack's worker delivers to (see mail-catcher.ts). */
  inboxUrl: string;
  log: (line: string) => void;
}): Promise<void> {
  const demo = startProcess('demo', [join(options.nodeBin, 'node'), '--import', 'tsx', 'scripts/demo.ts'], {
    cwd: process.cwd(),
    env: {
      PATH: `${options.nodeBin}:/usr/bin:/bin`,
      API_URL: options.apiUrl,
      STRIPE_EMULATOR_URL: options.emulatorUrl,
      NODE_EXTRA_CA_CERTS: options.caPath,
      MAIL_INBOX_URL: options.inboxUrl,
    },
  });
  const code = await exitOf(demo, 90_000);
  for (const line of demo.output().trimEnd().split('\n')) options.log(`journey: ${line}`);
  if (code !== 0) throw new Error(`the billing journey failed (exit ${code})`);
}
