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
  const ids = values.failed ? await runtime.billing.events.listFailedIds(10_000) : positionals;
  const progress = createProgress('Replaying', ids.length);
  const outcomes: string[] = [];
  for (const id of ids) {
    try {
      if (!(await runtime.billing.events.resetToPending(id))) {
        const event = await runtime.billing.events.findById(id);
        outcomes.push(`${id}: ${event ? `already ${event.status}` : 'not in the inbox'}`);
      } else {
        outcomes.push(`${id}: ${await runtime.billing.processEvent(id)}`);
      }
    } catch (error) {
      exitCode = 1;
      await runtime.billing.events.markFailed(id, error instanceof Error ? error.message : String(error));
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
