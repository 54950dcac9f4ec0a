import { type PasswordHasher, type RequestMeta, createRegistration } from '@groundwork/auth';
import { createUnitOfWork, type Knex, MembershipModel } from '@groundwork/db';

const PEOPLE = [
  { email: 'owner@demo.test', displayName: 'Olivia Owner' },
  { email: 'admin@demo.test', displayName: 'Adam Admin' },
  { email: 'member@demo.test', displayName: 'Mia Member' },
];

/** How the seed appears in the audit log. */
const SEED_REQUEST: RequestMeta = { ip: '127.0.0.1', userAgent: 'db:seed', requestId: 'db:seed' };

/**
 * Creates the demo accounts through the signup use case's registration (the
 * password policy and the audit record included), then lets the admin and the
 * member join the owner's organization. Existing e-mails are left alone.
 *
 * @returns the e-mails created this time
 */
export async function seedDemoAccounts(deps: {
  db: Knex;
  hasher: Pick<PasswordHasher, 'hash'>;
  password: string;
  onEach?: () => void;
}): Promise<string[]> {
  const uow = createUnitOfWork(deps.db);
  const { users } = uow.repositories;
  const registration = createRegistration({ uow, hasher: deps.hasher });
  const created: string[] = [];
  for (const person of PEOPLE) {
    if (!(await users.findCredentialsByEmail(person.email))) {
      await registration.register({ ...person, password: deps.password }, SEED_REQUEST);
      created.push(person.email);
    }
    deps.onEach?.();
  }
  // The owner's organization is the shared one: the others join it with their roles.
  const owner = await users.findCredentialsByEmail('owner@demo.test');
  const shared = owner
    ? ((await MembershipModel.query(deps.db).findOne({ userId: owner.id, role: 'owner' }).select('organizationId'))
        ?.organizationId ?? null)
    : null;
  for (const [email, role] of [
    ['admin@demo.test', 'admin'],
    ['member@demo.test', 'member'],
  ] as const) {
    const person = await users.findCredentialsByEmail(email);
    if (!person || !shared) continue;
    await MembershipModel.query(deps.db)
      .insert({ organizationId: shared, userId: person.id, role })
      .onConflict(['organizationId', 'userId'])
      .ignore();
  }
  return created;
}

export const DEMO_PEOPLE_COUNT = PEOPLE.length;
