import { createPasswordHasher } from '@groundwork/auth';
import type { Knex } from '@groundwork/db';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { connectTestDatabase } from '../../test/support/postgres-admin.js';
import { useTestDatabase } from '../../test/support/use-test-database.js';
import { seedDemoAccounts } from './demo-accounts.js';

const database = useTestDatabase();
const hasher = createPasswordHasher({ cost: 4 });

describe('the seed’s demo accounts', () => {
  let db: Knex;
  beforeAll(() => {
    db = connectTestDatabase(database.url, { poolMax: 2, statementTimeoutMs: 10_000 });
  });
  afterAll(async () => {
    await db.destroy();
  });

  test('when the seed password fails the password policy, then seeding is refused and no account is created', async () => {
    const seeding = seedDemoAccounts({ db, hasher, password: 'password' });

    await expect(seeding).rejects.toMatchObject({ code: 'INVALID', details: { field: 'password' } });
    expect(await db('users').where('email', 'like', '%@demo.test').select('id')).toEqual([]);
  });

  test('when seeding, then every demo account is created through signup, with its audit record', async () => {
    const created = await seedDemoAccounts({ db, hasher, password: 'groundwork-demo-2026' });

    const events: { email: string; type: string; requestId: string }[] = await db('auditEvents as a')
      .join('users as u', 'u.id', 'a.actorUserId')
      .whereIn('u.email', created)
      .orderBy('u.email')
      .select('u.email', 'a.type', 'a.requestId');
    expect(created).toEqual(['owner@demo.test', 'admin@demo.test', 'member@demo.test']);
    expect(events).toEqual(
      ['admin@demo.test', 'member@demo.test', 'owner@demo.test'].map((email) => ({
        email,
        type: 'signup',
        requestId: 'db:seed',
      })),
    );
  });
});
