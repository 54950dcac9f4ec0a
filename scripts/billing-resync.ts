/**
 * `npm run billing:resync -- --org <organization id>` or `-- --all`: makes the
 * local subscriptions of one or every organization equal to Stripe's now, and
 * reports drift (local state that differed).
 */
import { parseArgs } from 'node:util';

import { startBillingRuntime } from './lib/billing-runtime.js';
import { createProgress } from './lib/progress.js';

const { values } = parseArgs({ options: { org: { type: 'string' }, all: { type: 'boolean', default: false } } });
if (!values.org && !values.all) {
  console.error('Usage: npm run billing:resync -- --org <organization id> | --all');
  process.exit(2);
}

const runtime = startBillingRuntime();
let exitCode = 0;
try {
  const one = values.org === undefined ? null : await runtime.billing.customerOf(values.org);
  if (values.org !== undefined && !one) {
    console.error(`Organization ${values.org} has no Stripe customer; nothing to re-sync.`);
    exitCode = 1;
  } else {
    const targets = one ? [one] : await runtime.billing.listCustomers();
    const progress = createProgress('Re-syncing', targets.length);
    const { drift, failed } = await runtime.billing.resyncCustomers(targets, (target, error) => {
      if (error)
        console.error(
          `\n${target.id} (${target.stripeCustomerId}): ${error instanceof Error ? error.message : JSON.stringify(error)}`,
        );
      progress.tick();
    });
    progress.finish();
    console.log(
      `Re-synced ${targets.length - failed} of ${targets.length} organizations; ${drift} subscriptions had drifted from Stripe.`,
    );
    exitCode = failed > 0 ? 1 : 0;
  }
} finally {
  await runtime.close();
}
process.exit(exitCode);
