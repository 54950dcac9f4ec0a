/**
 * `npm run billing:replay -- <event id>` or `-- --failed`: re-drives stored
 * Stripe events (for instance from the dead-letter state) through the same
 * processing as the worker, here and now, and prints each outcome.
 */
import { parseArgs } from 'node:util';

import { startBillingRuntime } from './lib/billing-runtime.js';
import { createProgress } from './lib/progress.js';

const { values, positionals } = parseArgs({
  options: { failed: { type: 'boolean', default: false } },
  allowPositionals: true,
});
if (!values.failed && positionals.length === 0) {
  console.error('Usage: npm run billing:replay -- <event id> [more ids] | --failed');
  process.exit(2);
}

const runtime = startBillingRuntime();
let exitCode = 0;
try {
  const ids = values.failed ? await runtime.billing.listFailedEventIds(10_000) : positionals;
  const progress = createProgress('Replaying', ids.length);
  const outcomes: string[] = [];
  for (const id of ids) {
    try {
      const replay = await runtime.billing.replayEvent(id);
      if (replay.replayed) outcomes.push(`${id}: ${replay.outcome}`);
      else outcomes.push(`${id}: ${replay.status ? `already ${replay.status}` : 'not in the inbox'}`);
    } catch (error) {
      // replayEvent put the event back in the dead-letter state with this error.
      exitCode = 1;
      outcomes.push(`${id}: failed again (${error instanceof Error ? error.message : String(error)})`);
    }
    progress.tick();
  }
  progress.finish();
  console.log(outcomes.length > 0 ? outcomes.join('\n') : 'No events to replay.');
} finally {
  await runtime.close();
}
process.exit(exitCode);
