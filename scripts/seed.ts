/**
 * `npm run db:seed`: demo users and organizations for development. Idempotent
 * (existing e-mails are left alone) and refused in production. Accounts are
 * created through the signup use case's registration, so they meet the
 * password policy and leave audit records like any other.
 */
import { createPasswordHasher } from '@groundwork/auth';
import { loadConfigOrExit } from '@groundwork/config';
import { createDb } from '@groundwork/db';

import { DEMO_PEOPLE_COUNT, seedDemoAccounts } from './lib/demo-accounts.js';
import { createProgress } from './lib/progress.js';

export const SEED_PASSWORD = 'groundwork-demo-2026';

const config = loadConfigOrExit();
if (config.isProduction) {
  console.error('db:seed refuses to run in production (NODE_ENV=production).');
  process.exit(1);
}
const db = createDb(config.db);
const progress = createProgress('Seeding', DEMO_PEOPLE_COUNT);
try {
  const created = await seedDemoAccounts({
    db,
    hasher: createPasswordHasher({ cost: config.auth.bcryptCost }),
    password: SEED_PASSWORD,
    onEach: () => progress.tick(),
  });
  progress.finish();
  console.log(
    created.length > 0
      ? `Created ${created.join(', ')}; password for all: ${SEED_PASSWORD}`
      : `Demo users already exist; password for all: ${SEED_PASSWORD}`,
  );
} finally {
  await db.destroy();
}
