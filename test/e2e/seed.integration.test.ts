import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { describe, expect, test } from 'vitest';

import { testEnv } from '../support/test-env.js';
import { useTestDatabase } from '../support/use-test-database.js';
import { connectTestDatabase } from '../../test/support/postgres-admin.js';

const run = promisify(execFile);
const database = useTestDatabase();
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const emptyDir = mkdtempSync(join(tmpdir(), 'groundwork-seed-'));

function seed(env: Record<string, string>) {
  return run(process.execPath, ['--import', import.meta.resolve('tsx'), join(ROOT, 'scripts', 'seed.ts')], {
    cwd: emptyDir,
    env: { PATH: process.env.PATH ?? '', ...env },
  });
}

describe('npm run db:seed', () => {
  test('when run twice, then the demo users and their shared organization exist once, with their roles', async () => {
    const env = testEnv({ DATABASE_URL: database.url });

    const first = await seed(env);
    const second = await seed(env);

    expect(first.stdout).toContain('Created owner@demo.test, admin@demo.test, member@demo.test');
    expect(second.stdout).toContain('already exist');
    const db = connectTestDatabase(database.url, { poolMax: 1, statementTimeoutMs: 5_000 });
    const roles: { email: string; role: string }[] = await db('memberships as m')
      .join('users as u', 'u.id', 'm.userId')
      .join('memberships as o', function joinOwnerOrg() {
        this.on('o.organizationId', '=', 'm.organizationId').andOnVal('o.role', '=', 'owner');
      })
      .join('users as owner', 'owner.id', 'o.userId')
      .where('owner.email', 'owner@demo.test')
      .orderBy('u.email')
      .select('u.email', 'm.role');
    await db.destroy();
    expect(roles).toEqual([
      { email: 'admin@demo.test', role: 'admin' },
      { email: 'member@demo.test', role: 'member' },
      { email: 'owner@demo.test', role: 'owner' },
    ]);
  });

  test('when NODE_ENV is production, then it refuses and changes nothing', async () => {
    // Production refuses the test database's weak credentials; the seed stops before connecting, so any strong ones do.
    const strong = new URL(database.url);
    strong.username = 'validated';
    strong.password = 'Zq8vN3kLp2Xr7Tw9Hb4M';
    const env = testEnv({
      DATABASE_URL: strong.toString(),
      NODE_ENV: 'production',
      JWT_SECRET: 'mF3q9ZtV7xK2pL8wR4sN6bY1cH5jD0gA-Qe_Uo7iTz3',
      AUTH_TWO_FACTOR_SECRET: 'Rk7pW2xN9qL4vT8mZ3bH6cJ1dF5gS0aY-Ue_Io7nPq2',
      BCRYPT_COST: '10',
      STRIPE_SECRET_KEY: 'sk_test_production_like_key',
      STRIPE_WEBHOOK_SECRET: 'whsec_Vh2LmX9pRt4sWz8NbK3cYf6GdJ1aUeq7Zt',
      STRIPE_PRICE_PRO_MONTHLY: 'price_1ProProductionLike',
      STRIPE_PRICE_BUSINESS_MONTHLY: 'price_1BusinessProductionLike',
      BILLING_SUCCESS_URL: 'https://app.example.test/ok',
      BILLING_CANCEL_URL: 'https://app.example.test/no',
      BILLING_PORTAL_RETURN_URL: 'https://app.example.test/back',
      APP_URL: 'https://app.example.test',
      EMAIL_DELIVERY: 'disabled',
      RATE_LIMIT_ACCOUNT_EMAIL: '20/hour',
    });

    await expect(seed(env)).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('refuses to run in production') as string,
    });
  });
});
