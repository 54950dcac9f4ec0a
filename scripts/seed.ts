/**
 * `npm run db:seed`: demo users and organizations for development. Idempotent
 * (existing e-mails are left alone) and refused in production.
 */
import { createPasswordHasher } from '@groundwork/auth';
import { loadConfigOrExit } from '@groundwork/config';
import { createDb, createUserRepository, MembershipModel } from '@groundwork/db';

import { createProgress } from './lib/progress.js';

export const SEED_PASSWORD = 'groundwork-demo-2026';
const PEOPLE = [
  { email: 'owner@demo.test', displayName: 'Olivia Owner' },
  { email: 'admin@demo.test', displayName: 'Adam Admin' },
  { email: 'member@demo.test', displayName: 'Mia Member' },
];

const config = loadConfigOrExit();
if (config.isProduction) {
  console.error('db:seed refuses to run in production (NODE_ENV=production).');
  process.exit(1);
}
const db = createDb(config.db);
const users = createUserRepository(db);
const hasher = createPasswordHasher({ cost: config.auth.bcryptCost });
const progress = createProgress('Seeding', PEOPLE.length);
const created: { email: string; organizationId: string; userId: string }[] = [];
try {
  for (const person of PEOPLE) {
    const existing = await users.findCredentialsByEmail(person.email);
    if (!existing) {
      const { user, organizationId } = await users.insertWithPersonalOrganization({
        ...person,
        passwordHash: await hasher.hash(SEED_PASSWORD),
        organizationName: `${person.displayName}'s workspace`,
      });
      created.push({ email: person.email, organizationId, userId: user.id });
    }
    progress.tick();
  }
  progress.finish();
  // The owner's organization is the shared one: the others join it with their roles.
  const owner = await users.findCredentialsByEmail('owner@demo.test');
  const shared = owner
    ? ((await MembershipModel.query(db).findOne({ userId: owner.id, role: 'owner' }).select('organizationId'))
        ?.organizationId ?? null)
    : null;
  for (const [email, role] of [
    ['admin@demo.test', 'admin'],
    ['member@demo.test', 'member'],
  ] as const) {
    const person = await users.findCredentialsByEmail(email);
    if (!person || !shared) continue;
    await db('memberships')
      .insert({ organizationId: shared, userId: person.id, role })
      .onConflict(['organizationId', 'userId'])
      .ignore();
  }
  console.log(
    created.length > 0
      ? `Created ${created.map((entry) => entry.email).join(', ')}; password for all: ${SEED_PASSWORD}`
      : `Demo users already exist; password for all: ${SEED_PASSWORD}`,
  );
} finally {
  await db.destroy();
}
