import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { useTestDatabase } from '../../../../test/support/use-test-database.js';
import type { Knex } from '../create-db.js';
import { createUsageRepository } from '../usage/usage.repository.js';
import { createSubscriptionRepository, type SubscriptionRow } from './subscription.repository.js';
import { connectTestDatabase } from '../../../../test/support/postgres-admin.js';

const database = useTestDatabase();

describe('subscriptions and usage storage', () => {
  let db: Knex;
  beforeAll(() => {
    db = connectTestDatabase(database.url, { statementTimeoutMs: 10_000 });
  });
  afterAll(async () => {
    await db.destroy();
  });

  async function organization(): Promise<string> {
    const inserted: { id: string }[] = await db('organizations').insert({ name: 'Storage' }).returning('id');
    return inserted[0]?.id ?? '';
  }

  const row = (organizationId: string, overrides: Partial<SubscriptionRow>): SubscriptionRow => ({
    id: `sub_${randomUUID().slice(0, 8)}`,
    organizationId,
    stripeCustomerId: 'cus_storage',
    status: 'active',
    priceId: 'price_pro_monthly',
    planKey: 'pro',
    currentPeriodStart: new Date(),
    currentPeriodEnd: new Date(Date.now() + 86_400_000),
    cancelAtPeriodEnd: false,
    trialEnd: null,
    canceledAt: null,
    stripeCreatedAt: new Date(),
    ...overrides,
  });

  test('when an organization has an active subscription to a price we do not sell and a trialing one we do, then the trialing one decides', async () => {
    const organizationId = await organization();
    const repository = createSubscriptionRepository(db);
    const sold = row(organizationId, { status: 'trialing', stripeCreatedAt: new Date(Date.now() - 60_000) });
    await repository.upsert([row(organizationId, { priceId: 'price_retired', planKey: null }), sold]);

    expect((await repository.findCurrentForOrganization(organizationId))?.id).toBe(sold.id);
  });

  test('when usage counts include an organization deleted meanwhile, then the others are still written', async () => {
    const organizationId = await organization();
    const usage = createUsageRepository(db);

    await usage.add([
      { organizationId, day: '2026-11-29', metric: 'gated_calls', count: 3 },
      { organizationId: randomUUID(), day: '2026-11-29', metric: 'gated_calls', count: 5 },
    ]);
    await usage.add([{ organizationId, day: '2026-11-29', metric: 'gated_calls', count: 2 }]);

    expect(await usage.listForOrganization(organizationId, '2026-11-01')).toEqual([
      { day: '2026-11-29', metric: 'gated_calls', count: 5 },
    ]);
  });
});
