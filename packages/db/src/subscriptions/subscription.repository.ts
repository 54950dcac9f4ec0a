import type { Knex } from 'knex';

export type SubscriptionRow = {
  id: string;
  organizationId: string;
  stripeCustomerId: string;
  status: string;
  priceId: string;
  planKey: 'pro' | 'business' | null;
  currentPeriodStart: Date | null;
  currentPeriodEnd: Date | null;
  cancelAtPeriodEnd: boolean;
  trialEnd: Date | null;
  canceledAt: Date | null;
  stripeCreatedAt: Date;
};

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

/**
 * Statuses that can grant a paid plan, best first (a price we do not sell ranks last):
 * the organization's "current" subscription is chosen by them.
 */
const STATUS_RANK = `case when plan_key is null then 9 when status = 'active' then 0 when status = 'trialing' then 1 when status = 'past_due' then 2 else 3 end`;

export function createSubscriptionRepository(db: Knex) {
  return {
    async listForCustomer(stripeCustomerId: string, trx?: Knex.Transaction): Promise<SubscriptionRow[]> {
      return (trx ?? db)('subscriptions').where({ stripeCustomerId }).select(COLUMNS);
    },

    /** Inserts or overwrites each row with Stripe's current values (Stripe is the truth). */
    async upsert(rows: SubscriptionRow[], trx?: Knex.Transaction): Promise<void> {
      if (rows.length === 0) return;
      await (trx ?? db)('subscriptions')
        .insert(rows.map((row) => ({ ...row, syncedAt: db.fn.now() })))
        .onConflict('id')
        .merge();
    },

    /** The subscription that decides the organization's plan: the best status, then the newest. */
    async findCurrentForOrganization(organizationId: string): Promise<SubscriptionRow | undefined> {
      return db('subscriptions')
        .where({ organizationId })
        .orderByRaw(`${STATUS_RANK}, stripe_created_at desc`)
        .first(COLUMNS);
    },
  };
}

export type SubscriptionRepository = ReturnType<typeof createSubscriptionRepository>;
