import type { Knex } from 'knex';

export type StripeEventStatus = 'pending' | 'processed' | 'ignored' | 'failed';

export type StoredStripeEvent = {
  id: string;
  type: string;
  apiVersion: string | null;
  livemode: boolean;
  payload: { data: { object: Record<string, unknown> } } & Record<string, unknown>;
  status: StripeEventStatus;
  attempts: number;
  lastError: string | null;
  receivedAt: Date;
  processedAt: Date | null;
};

const COLUMNS = [
  'id',
  'type',
  'apiVersion',
  'livemode',
  'payload',
  'status',
  'attempts',
  'lastError',
  'receivedAt',
  'processedAt',
];

/** The durable webhook inbox: every verified event is stored once, by its Stripe id, before anything else happens. */
export function createStripeEventRepository(db: Knex) {
  return {
    /** Stores the event; false when it was already there (Stripe retries and duplicates are normal). */
    async insertIfNew(event: {
      id: string;
      type: string;
      apiVersion: string | null;
      livemode: boolean;
      created: number;
      payload: unknown;
    }): Promise<boolean> {
      const inserted = await db('stripeEvents')
        .insert({
          id: event.id,
          type: event.type,
          apiVersion: event.apiVersion,
          livemode: event.livemode,
          stripeCreatedAt: new Date(event.created * 1000),
          payload: JSON.stringify(event.payload),
        })
        .onConflict('id')
        .ignore()
        .returning('id');
      return inserted.length > 0;
    },

    async findById(id: string): Promise<StoredStripeEvent | undefined> {
      return db('stripeEvents').where({ id }).first(COLUMNS);
    },

    async recordAttempt(id: string): Promise<void> {
      await db('stripeEvents').where({ id }).increment('attempts', 1);
    },

    /** Marks the event done; runs in the sync's transaction so "synced" and "processed" commit together. */
    async markProcessed(id: string, trx?: Knex.Transaction): Promise<void> {
      await (trx ?? db)('stripeEvents')
        .where({ id })
        .update({ status: 'processed', processedAt: db.fn.now(), lastError: null });
    },

    async markIgnored(id: string, reason: string): Promise<void> {
      await db('stripeEvents').where({ id }).update({ status: 'ignored', processedAt: db.fn.now(), lastError: reason });
    },

    /** The dead-letter state: retries are exhausted; visible and re-drivable (`billing:replay`). */
    async markFailed(id: string, error: string): Promise<void> {
      await db('stripeEvents')
        .where({ id })
        .whereNot({ status: 'processed' })
        .update({ status: 'failed', lastError: error.slice(0, 2000) });
    },

    async resetToPending(id: string): Promise<boolean> {
      return (
        (await db('stripeEvents')
          .where({ id })
          .whereIn('status', ['failed', 'pending'])
          .update({ status: 'pending' })) > 0
      );
    },

    /** Stored but not yet processed, received before `olderThan`: what the sweeper re-enqueues. */
    async listPendingIds(olderThan: Date, limit = 500): Promise<string[]> {
      const rows: { id: string }[] = await db('stripeEvents')
        .where({ status: 'pending' })
        .where('receivedAt', '<', olderThan)
        .orderBy('receivedAt')
        .limit(limit)
        .select('id');
      return rows.map((row) => row.id);
    },

    async listFailedIds(limit = 500): Promise<string[]> {
      const rows: { id: string }[] = await db('stripeEvents')
        .where({ status: 'failed' })
        .orderBy('receivedAt')
        .limit(limit)
        .select('id');
      return rows.map((row) => row.id);
    },
  };
}

export type StripeEventRepository = ReturnType<typeof createStripeEventRepository>;
