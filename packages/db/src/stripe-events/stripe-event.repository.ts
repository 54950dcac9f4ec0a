import type { Knex } from 'knex';
import { fn } from 'objection';

import { StripeEventModel, type StripeEventStatus } from './stripe-event.model.js';

export type { StripeEventStatus } from './stripe-event.model.js';

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
] as const;

export type StoredStripeEvent = Pick<StripeEventModel, (typeof COLUMNS)[number]>;

/**
 * The Stripe customer an event's object names: its id, or the id of an
 * expanded customer object (the SQL twin of billing's `customerOfEvent`).
 */
export const CUSTOMER_OF_PAYLOAD = `case jsonb_typeof(payload #> '{data,object,customer}')
  when 'string' then payload #>> '{data,object,customer}'
  when 'object' then payload #>> '{data,object,customer,id}'
end`;

export type IncomingStripeEvent = {
  id: string;
  type: string;
  apiVersion: string | null;
  livemode: boolean;
  /** Stripe's `created`, in seconds. */
  created: number;
  /** The event as JSON text: the verified body as it came, stored as it is (jsonb parses it once). */
  payloadJson: string;
};

/**
 * One statement for any number of events: the same text each time (no
 * per-size statement), unnamed (PgBouncer in transaction mode, ADR 013), and
 * `on conflict do nothing` makes the once-per-id guarantee the database's.
 */
const INSERT_NEW_EVENTS = `
  insert into stripe_events (id, type, api_version, livemode, stripe_created_at, payload)
  select id, type, api_version, livemode, to_timestamp(created), payload::jsonb
  from unnest(?::text[], ?::text[], ?::text[], ?::boolean[], ?::bigint[], ?::text[])
    as incoming (id, type, api_version, livemode, created, payload)
  on conflict (id) do nothing
  returning id`;

export type AttemptedStripeEvent = Pick<StripeEventModel, 'id' | 'type' | 'status' | 'payload'>;

/** The status read is the statement's snapshot, from before its own increment (which leaves status alone). */
const START_ATTEMPT = `
  with attempt as (
    update stripe_events set attempts = attempts + 1
    where id = ? and status not in ('processed', 'ignored')
  )
  select id, type, status, payload from stripe_events where id = ?`;

export type InsertedEvents = { stored: Set<string>; refused: Map<string, Error> };

/** SQLSTATE class 22: PostgreSQL refused a value of this statement (not the connection, not the server). */
const isDataException = (error: unknown) =>
  typeof (error as { code?: unknown }).code === 'string' && (error as { code: string }).code.startsWith('22');

/** The durable webhook inbox: every verified event is stored once, by its Stripe id, before anything else happens. */
export function createStripeEventRepository(db: Knex) {
  const events = () => StripeEventModel.query(db);
  const idsOf = (rows: { id: string }[]) => rows.map((row) => row.id);
  const insertNew = async (incoming: readonly IncomingStripeEvent[]): Promise<Set<string>> => {
    if (incoming.length === 0) return new Set();
    const result = await db.raw<{ rows: { id: string }[] }>(INSERT_NEW_EVENTS, [
      incoming.map((event) => event.id),
      incoming.map((event) => event.type),
      // knex's binding types know no array with nulls; pg sends each null element as SQL NULL.
      incoming.map((event) => event.apiVersion) as string[],
      incoming.map((event) => event.livemode),
      incoming.map((event) => event.created),
      incoming.map((event) => event.payloadJson),
    ]);
    return new Set(idsOf(result.rows));
  };
  return {
    /**
     * Stores each event once by its id; `stored` names the events stored now
     * (Stripe's retries and duplicates are normal: left out, not refused).
     * When PostgreSQL refuses a value (a data exception, e.g. `\u0000` in
     * jsonb) in a batch of several, each event is tried alone, so a bad event
     * fails only itself: `refused` has its error. Any other failure rejects.
     */
    async insertManyIfNew(incoming: readonly IncomingStripeEvent[]): Promise<InsertedEvents> {
      try {
        return { stored: await insertNew(incoming), refused: new Map() };
      } catch (error) {
        if (incoming.length < 2 || !isDataException(error)) throw error;
      }
      const outcome: InsertedEvents = { stored: new Set(), refused: new Map() };
      for (const event of incoming) {
        try {
          if ((await insertNew([event])).size > 0) outcome.stored.add(event.id);
        } catch (error) {
          if (!isDataException(error)) throw error;
          outcome.refused.set(event.id, error as Error);
        }
      }
      return outcome;
    },

    async findById(id: string): Promise<StoredStripeEvent | undefined> {
      return events().findById(id).select(COLUMNS);
    },

    /**
     * Counts an attempt on the event unless it is settled (processed or
     * ignored), and returns it as it was: one statement where a read and an
     * increment were two (ADR 041).
     */
    async startAttempt(id: string): Promise<AttemptedStripeEvent | undefined> {
      const result = await db.raw<{ rows: AttemptedStripeEvent[] }>(START_ATTEMPT, [id, id]);
      return result.rows[0];
    },

    async markIgnored(id: string, reason: string): Promise<void> {
      await events().findById(id).patch({ status: 'ignored', processedAt: fn.now(), lastError: reason });
    },

    /** The dead-letter state: retries are exhausted; visible and re-drivable (`billing:replay`). */
    async markFailed(id: string, error: string): Promise<void> {
      await events()
        .findById(id)
        .whereNot({ status: 'processed' })
        .patch({ status: 'failed', lastError: error.slice(0, 2000) });
    },

    async resetToPending(id: string): Promise<boolean> {
      const changed = await events()
        .findById(id)
        .whereIn('status', ['failed', 'pending'] satisfies StripeEventStatus[])
        .patch({ status: 'pending' });
      return changed > 0;
    },

    /** Stored but not yet processed, received before `olderThan`: what the sweeper re-enqueues. */
    async listPendingIds(olderThan: Date, limit = 500): Promise<string[]> {
      return idsOf(
        await events()
          .where({ status: 'pending' })
          .where('receivedAt', '<', olderThan)
          .orderBy('receivedAt')
          .limit(limit)
          .select('id'),
      );
    },

    async listFailedIds(limit = 500): Promise<string[]> {
      return idsOf(await events().where({ status: 'failed' }).orderBy('receivedAt').limit(limit).select('id'));
    },

    /** When the oldest event still waiting to be processed arrived (null: none waits); for the inbox-lag metric. */
    async oldestPendingReceivedAt(): Promise<Date | null> {
      const row = (await events().where({ status: 'pending' }).min('receivedAt as oldest').first()) as unknown as
        { oldest?: Date | string | null } | undefined;
      return row?.oldest ? new Date(row.oldest) : null;
    },
  };
}

export type StripeEventRepository = ReturnType<typeof createStripeEventRepository>;
