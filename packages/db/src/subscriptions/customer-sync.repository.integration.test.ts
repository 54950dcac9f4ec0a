import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { connectTestDatabase } from '../../../../test/support/postgres-admin.js';
import { useTestDatabase } from '../../../../test/support/use-test-database.js';
import type { Knex } from '../create-db.js';
import { createCustomerSyncRepository, type SyncWrite } from './customer-sync.repository.js';
import { createSubscriptionRepository, currentSubscription, type SubscriptionRow } from './subscription.repository.js';

const database = useTestDatabase();

describe('customer sync statements (ADR 020, 041)', () => {
  let db: Knex;
  beforeAll(() => {
    db = connectTestDatabase(database.url, { statementTimeoutMs: 10_000 });
  });
  afterAll(async () => {
    await db.destroy();
  });

  async function organizationWithCustomer(): Promise<{ organizationId: string; customerId: string }> {
    const customerId = `cus_${randomUUID().slice(0, 12)}`;
    const rows: { id: string }[] = await db('organizations')
      .insert({ name: 'Tickets', stripeCustomerId: customerId })
      .returning('id');
    return { organizationId: rows[0]?.id ?? '', customerId };
  }

  const subscription = (
    organizationId: string,
    customerId: string,
    overrides: Partial<SubscriptionRow> = {},
  ): SubscriptionRow => ({
    id: `sub_${randomUUID().slice(0, 8)}`,
    organizationId,
    stripeCustomerId: customerId,
    status: 'active',
    priceId: 'price_pro_monthly',
    planKey: 'pro',
    currentPeriodStart: new Date('2026-11-01T00:00:00Z'),
    currentPeriodEnd: new Date('2026-12-01T00:00:00Z'),
    cancelAtPeriodEnd: false,
    trialEnd: null,
    canceledAt: null,
    stripeCreatedAt: new Date('2026-11-01T00:00:00Z'),
    ...overrides,
  });

  const writeOf = (overrides: Partial<SyncWrite> & Pick<SyncWrite, 'organizationId' | 'ticket'>): SyncWrite => ({
    seenTicket: null,
    rows: [],
    eventId: null,
    covered: [],
    audit: null,
    ...overrides,
  });

  test('when a read that started later has written, then an older read that finishes late may not write', async () => {
    const { organizationId, customerId } = await organizationWithCustomer();
    const syncs = createCustomerSyncRepository(db);
    const older = await syncs.start(customerId, { types: [], exceptEventId: null });
    const newer = await syncs.start(customerId, { types: [], exceptEventId: null });
    if (!older || !newer) throw new Error('the organization was not found');
    const row = subscription(organizationId, customerId);

    await expect(syncs.write(writeOf({ organizationId, ticket: newer.ticket, rows: [row] }))).resolves.toMatchObject({
      claimed: true,
    });
    await expect(
      syncs.write(writeOf({ organizationId, ticket: older.ticket, rows: [{ ...row, status: 'canceled' }] })),
    ).resolves.toMatchObject({ claimed: false });
    // Even when it names the ticket now written: it is not older than its own.
    await expect(
      syncs.write(writeOf({ organizationId, ticket: older.ticket, seenTicket: newer.ticket })),
    ).resolves.toMatchObject({ claimed: false });

    const stored = await createSubscriptionRepository(db).listForCustomer(customerId);
    expect(stored.map((one) => one.status)).toEqual(['active']);
    await expect(syncs.readSnapshot(organizationId, customerId)).resolves.toMatchObject({
      syncedTicket: newer.ticket,
    });
  });

  test('when any sync wrote since the snapshot a write was computed against, then it writes nothing', async () => {
    const { organizationId, customerId } = await organizationWithCustomer();
    const syncs = createCustomerSyncRepository(db);
    const older = await syncs.start(customerId, { types: [], exceptEventId: null });
    const newer = await syncs.start(customerId, { types: [], exceptEventId: null });
    if (!older || !newer) throw new Error('the organization was not found');
    await syncs.write(writeOf({ organizationId, ticket: older.ticket }));

    const audit = { type: 'billing.plan_changed' as const, metadata: { planAfter: 'pro' } };
    const stale = await syncs.write(
      writeOf({ organizationId, ticket: newer.ticket, rows: [subscription(organizationId, customerId)], audit }),
    );

    expect(stale.claimed).toBe(false);
    expect(await createSubscriptionRepository(db).listForCustomer(customerId)).toEqual([]);
    expect(await db('auditEvents').where({ organizationId })).toEqual([]);
  });

  test('when tickets pass 2^53, then they still compare as numbers, not as text or floats', async () => {
    const { organizationId } = await organizationWithCustomer();
    const syncs = createCustomerSyncRepository(db);
    const seenTicket = '9007199254740993';
    await db('organizations').where({ id: organizationId }).update({ stripeSyncedTicket: seenTicket });

    await expect(
      syncs.write(writeOf({ organizationId, ticket: '9007199254740992', seenTicket })),
    ).resolves.toMatchObject({ claimed: false });
    await expect(
      syncs.write(writeOf({ organizationId, ticket: '10000000000000000', seenTicket })),
    ).resolves.toMatchObject({ claimed: true });
  });

  test('when the current subscription is chosen from rows in hand, then it is the one the database chooses', async () => {
    const { organizationId, customerId } = await organizationWithCustomer();
    const day = (n: number) => new Date(Date.UTC(2026, 10, n));
    const rows = [
      subscription(organizationId, customerId, { status: 'canceled', stripeCreatedAt: day(20) }),
      subscription(organizationId, customerId, { status: 'active', planKey: null, stripeCreatedAt: day(19) }),
      subscription(organizationId, customerId, { status: 'past_due', stripeCreatedAt: day(18) }),
      subscription(organizationId, customerId, { status: 'trialing', stripeCreatedAt: day(3) }),
      subscription(organizationId, customerId, { id: 'sub_B', status: 'trialing', stripeCreatedAt: day(5) }),
      subscription(organizationId, customerId, { id: 'sub_a', status: 'trialing', stripeCreatedAt: day(5) }),
    ];
    const repository = createSubscriptionRepository(db);

    for (let taken = rows.length; taken > 0; taken -= 1) {
      await db('subscriptions').where({ organizationId }).delete();
      const some = rows.slice(rows.length - taken);
      await repository.upsert(some);
      expect(currentSubscription(some)?.id).toBe((await repository.findCurrentForOrganization(organizationId))?.id);
    }
  });
});
