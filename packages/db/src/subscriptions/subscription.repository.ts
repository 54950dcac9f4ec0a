import type { Knex } from 'knex';
import { fn, raw } from 'objection';

import { SubscriptionModel } from './subscription.model.js';

const COLUMNS = [
  'id',
  'organizationId',
  'stripeCustomerId',
  'status',
  'priceId',
  'planKey',
  'currentPeriodStart',
  'currentPeriodEnd',
  'cancelAtPeriodEnd',
  'trialEnd',
  'canceledAt',
  'stripeCreatedAt',
] as const;

export type SubscriptionRow = Pick<SubscriptionModel, (typeof COLUMNS)[number]>;

/**
 * Statuses that can grant a paid plan, best first (a price we do not sell ranks last):
 * the organization's "current" subscription is chosen by them.
 */
const STATUS_RANK = raw(
  `case when plan_key is null then 9 when status = 'active' then 0 when status = 'trialing' then 1 when status = 'past_due' then 2 else 3 end`,
);

/** {@link STATUS_RANK} for rows in hand; the two must rank alike. */
function rankOf(row: SubscriptionRow): number {
  if (row.planKey === null) return 9;
  return ({ active: 0, trialing: 1, past_due: 2 } as Record<string, number>)[row.status] ?? 3;
}

/**
 * The subscription that decides the organization's plan, chosen among rows in
 * hand exactly as `findCurrentForOrganization` chooses in SQL: the best
 * status, then the newest, then the id.
 */
export function currentSubscription(rows: readonly SubscriptionRow[]): SubscriptionRow | undefined {
  return [...rows].sort(
    (a, b) =>
      rankOf(a) - rankOf(b) ||
      b.stripeCreatedAt.getTime() - a.stripeCreatedAt.getTime() ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  )[0];
}

export function createSubscriptionRepository(db: Knex) {
  const subscriptions = () => SubscriptionModel.query(db);
  return {
    async listForCustomer(stripeCustomerId: string): Promise<SubscriptionRow[]> {
      return subscriptions().where({ stripeCustomerId }).select(COLUMNS);
    },

    /** Inserts or overwrites each row with Stripe's current values (Stripe is the truth). */
    async upsert(rows: SubscriptionRow[]): Promise<void> {
      if (rows.length === 0) return;
      await subscriptions()
        .insert(rows.map((row) => ({ ...row, syncedAt: fn.now() })))
        .onConflict('id')
        .merge();
    },

    /** The subscription that decides the organization's plan: the best status, then the newest. */
    async findCurrentForOrganization(organizationId: string): Promise<SubscriptionRow | undefined> {
      return (
        subscriptions()
          .where({ organizationId })
          .orderBy(STATUS_RANK)
          .orderBy('stripeCreatedAt', 'desc')
          // Byte order, as the JS twin compares; the database's collation might not.
          .orderBy(raw('id collate "C"'))
          .first()
          .select(COLUMNS)
      );
    },
  };
}

export type SubscriptionRepository = ReturnType<typeof createSubscriptionRepository>;
