import type { Knex } from 'knex';

import type { AuditEventType } from '../audit-events/audit-event.repository.js';
import { CUSTOMER_OF_PAYLOAD } from '../stripe-events/stripe-event.repository.js';
import type { SubscriptionRow } from './subscription.repository.js';

/** What the database held for an organization's billing when a sync looked: its ticket and its subscriptions. */
export type SyncSnapshot = {
  /** The ticket of the last read that wrote (null: none has). */
  syncedTicket: string | null;
  /** The organization's subscriptions and the customer's (a row of another organization moves with its customer). */
  subscriptions: SubscriptionRow[];
};

/** A sync's start: its ticket, the snapshot it compares against, and the pending events its read will settle. */
export type SyncStart = { organizationId: string; ticket: string; snapshot: SyncSnapshot; covered: string[] };

/** What one sync writes, in one statement, if the snapshot it computed from is still the latest. */
export type SyncWrite = {
  organizationId: string;
  ticket: string;
  /** The ticket of the snapshot `rows` and `audit` were computed against. */
  seenTicket: string | null;
  rows: SubscriptionRow[];
  /** The triggering event and the events its read covers: marked processed with the write. */
  eventId: string | null;
  covered: readonly string[];
  audit: { type: AuditEventType; metadata: Record<string, string | number | boolean | null> } | null;
};

const SUBSCRIPTION_COLUMNS = `
  s.id as "id", s.organization_id as "organizationId", s.stripe_customer_id as "stripeCustomerId",
  s.status as "status", s.price_id as "priceId", s.plan_key as "planKey",
  s.current_period_start as "currentPeriodStart", s.current_period_end as "currentPeriodEnd",
  s.cancel_at_period_end as "cancelAtPeriodEnd", s.trial_end as "trialEnd", s.canceled_at as "canceledAt",
  s.stripe_created_at as "stripeCreatedAt"`;

/**
 * The ticket is taken and the pending events are listed in the statement that
 * ends before the Stripe read starts (ADR 020, 033). `materialized`: nextval
 * runs once, not once per joined subscription row.
 */
const START_SYNC = `
  with organization as materialized (
    select id, stripe_synced_ticket, nextval('stripe_sync_tickets') as ticket
    from organizations where stripe_customer_id = ?
  )
  select o.id as "organization", o.ticket::text as "ticket", o.stripe_synced_ticket::text as "syncedTicket",
    array(
      select e.id from stripe_events e
      where e.status = 'pending' and e.type = any(?::text[]) and ${CUSTOMER_OF_PAYLOAD} = ? and e.id is distinct from ?
    ) as "covered",
    ${SUBSCRIPTION_COLUMNS}
  from organization o
  left join subscriptions s on s.organization_id = o.id or s.stripe_customer_id = ?`;

const READ_SNAPSHOT = `
  select o.stripe_synced_ticket::text as "syncedTicket", ${SUBSCRIPTION_COLUMNS}
  from organizations o
  left join subscriptions s on s.organization_id = o.id or s.stripe_customer_id = ?
  where o.id = ?`;

/**
 * The whole write of a sync as one statement, so one round trip and no
 * transaction: PostgreSQL runs every data-modifying CTE to completion, all or
 * nothing. The claim compares the organization's ticket with the snapshot's:
 * if any sync wrote since the snapshot was read, nothing is written (the
 * caller reads again and decides), so the drift and audit computed from the
 * snapshot are never stale. Its row lock serializes the writes of one
 * organization as the transaction's claim did.
 */
const WRITE_SYNC = `
  with claim as (
    update organizations set stripe_synced_ticket = ?::bigint
    where id = ?::uuid and stripe_synced_ticket is not distinct from ?::bigint
      and (stripe_synced_ticket is null or stripe_synced_ticket < ?::bigint)
    returning id
  ), written as (
    insert into subscriptions (id, organization_id, stripe_customer_id, status, price_id, plan_key,
      current_period_start, current_period_end, cancel_at_period_end, trial_end, canceled_at, stripe_created_at,
      synced_at)
    select r.*, now()
    from unnest(?::text[], ?::uuid[], ?::text[], ?::text[], ?::text[], ?::text[], ?::timestamptz[], ?::timestamptz[],
      ?::boolean[], ?::timestamptz[], ?::timestamptz[], ?::timestamptz[])
      as r (id, organization_id, stripe_customer_id, status, price_id, plan_key, current_period_start,
        current_period_end, cancel_at_period_end, trial_end, canceled_at, stripe_created_at)
    where exists (select from claim)
    on conflict (id) do update set
      organization_id = excluded.organization_id, stripe_customer_id = excluded.stripe_customer_id,
      status = excluded.status, price_id = excluded.price_id, plan_key = excluded.plan_key,
      current_period_start = excluded.current_period_start, current_period_end = excluded.current_period_end,
      cancel_at_period_end = excluded.cancel_at_period_end, trial_end = excluded.trial_end,
      canceled_at = excluded.canceled_at, stripe_created_at = excluded.stripe_created_at,
      synced_at = excluded.synced_at
    returning id
  ), settled as (
    update stripe_events set status = 'processed', processed_at = now(), last_error = null
    where exists (select from claim) and (id = ? or (id = any(?::text[]) and status = 'pending'))
    returning id
  ), audited as (
    insert into audit_events (type, organization_id, metadata)
    select ?, ?::uuid, ?::jsonb where exists (select from claim) and ?::text is not null
    returning id
  )
  select exists (select from claim) as "claimed",
    (select count(*) from settled where id is distinct from ?)::int as "coalesced"`;

/** The events a sync settles without writing: the triggering one, and the covered ones still pending. */
const SETTLE_EVENTS = `
  update stripe_events set status = 'processed', processed_at = now(), last_error = null
  where id = ? or (id = any(?::text[]) and status = 'pending')
  returning id`;

type SnapshotRow = SubscriptionRow & { syncedTicket: string | null };

function snapshotOf(rows: SnapshotRow[]): SyncSnapshot {
  return {
    syncedTicket: rows[0]?.syncedTicket ?? null,
    // A left join: an organization without subscriptions comes as one row of nulls.
    subscriptions: rows
      .filter((row) => row.id !== null)
      .map(({ syncedTicket: _ticket, ...subscription }) => subscription),
  };
}

/**
 * The statements of a customer sync (ADR 020, 033, 041): one before the
 * Stripe read, one after it, each carrying the guarantees the sync needs,
 * so processing an event costs round trips, not a transaction's worth of them.
 */
export function createCustomerSyncRepository(db: Knex) {
  return {
    /**
     * Takes the sync's ticket and reads what it compares against. `settling`
     * names the pending event types a read started now will settle (empty:
     * none) and the triggering event, left out of them.
     *
     * @returns undefined when no organization has this Stripe customer
     */
    async start(
      customerId: string,
      settling: { types: readonly string[]; exceptEventId: string | null },
    ): Promise<SyncStart | undefined> {
      const result = await db.raw<{
        rows: (SnapshotRow & { organization: string; ticket: string; covered: string[] })[];
      }>(START_SYNC, [customerId, [...settling.types], customerId, settling.exceptEventId, customerId]);
      const first = result.rows[0];
      if (!first) return undefined;
      return {
        organizationId: first.organization,
        ticket: first.ticket,
        covered: first.covered,
        snapshot: snapshotOf(result.rows.map(({ organization: _o, ticket: _t, covered: _c, ...row }) => row)),
      };
    },

    /** The organization's snapshot now; undefined once it is gone. */
    async readSnapshot(organizationId: string, customerId: string): Promise<SyncSnapshot | undefined> {
      const result = await db.raw<{ rows: SnapshotRow[] }>(READ_SNAPSHOT, [customerId, organizationId]);
      return result.rows.length > 0 ? snapshotOf(result.rows) : undefined;
    },

    /**
     * Writes the sync if no sync has written since `seenTicket`, all in one statement.
     *
     * @returns whether it wrote, and how many covered events it settled along with its own
     */
    async write(sync: SyncWrite): Promise<{ claimed: boolean; coalesced: number }> {
      const { rows } = sync;
      const column = <TKey extends keyof SubscriptionRow>(key: TKey) => rows.map((row) => row[key]);
      const result = await db.raw<{ rows: { claimed: boolean; coalesced: number }[] }>(WRITE_SYNC, [
        sync.ticket,
        sync.organizationId,
        sync.seenTicket,
        sync.ticket,
        // knex's binding types know no arrays with nulls; pg sends each null element as SQL NULL.
        ...([
          column('id'),
          column('organizationId'),
          column('stripeCustomerId'),
          column('status'),
          column('priceId'),
          column('planKey'),
          column('currentPeriodStart'),
          column('currentPeriodEnd'),
          column('cancelAtPeriodEnd'),
          column('trialEnd'),
          column('canceledAt'),
          column('stripeCreatedAt'),
        ] as string[][]),
        sync.eventId,
        [...sync.covered],
        sync.audit?.type ?? null,
        sync.organizationId,
        JSON.stringify(sync.audit?.metadata ?? {}),
        sync.audit?.type ?? null,
        sync.eventId,
      ]);
      const outcome = result.rows[0];
      return { claimed: outcome?.claimed ?? false, coalesced: outcome?.coalesced ?? 0 };
    },

    /**
     * Settles the triggering event and the covered ones still pending, for a
     * sync a later-started read has superseded: that read showed their news.
     *
     * @returns how many covered events it settled
     */
    async settle(eventId: string, covered: readonly string[]): Promise<number> {
      const result = await db.raw<{ rows: { id: string }[] }>(SETTLE_EVENTS, [eventId, [...covered]]);
      return result.rows.filter((row) => row.id !== eventId).length;
    },
  };
}

export type CustomerSyncRepository = ReturnType<typeof createCustomerSyncRepository>;
