import { join } from 'node:path';

import { exitOf, startProcess } from './processes.js';

/**
 * `npm run demo` (sign up, hit the plan gate, check out, the signed webhook
 * reconciled by the worker, the gated call, cancel, the gate closed) against a
 * rehearsed stack, itself on the rehearsal's Node, trusting the emulator's
 * certificate like the apps do.
 */
export async function runJourney(options: {
  nodeBin: string;
  apiUrl: string;
  emulatorUrl: string;
  caPath: string;
  /** The stack's database, where the demo reads the verification e-mail from the outbox (no inbox in a rehearsal). */
  databaseUrl: string;
  log: (line: string) => void;
}): Promise<void> {
  const demo = startProcess('demo', [join(options.nodeBin, 'node'), '--import', 'tsx', 'scripts/demo.ts'], {
    cwd: process.cwd(),
    env: {
      PATH: `${options.nodeBin}:/usr/bin:/bin`,
      API_URL: options.apiUrl,
      STRIPE_EMULATOR_URL: options.emulatorUrl,
      NODE_EXTRA_CA_CERTS: options.caPath,
      DATABASE_URL: options.databaseUrl,
    },
  });
  const code = await exitOf(demo, 90_000);
  for (const line of demo.output().trimEnd().split('\n')) options.log(`journey: ${line}`);
  if (code !== 0) throw new Error(`the billing journey failed (exit ${code})`);
}
