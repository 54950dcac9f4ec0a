import type { Knex } from 'knex';

// Billing: each organization's Stripe customer, a local copy of its Stripe
// subscriptions (Stripe stays the truth; the worker re-syncs these rows), the
// durable webhook inbox, and daily usage of plan-gated procedures.

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    alter table organizations add column stripe_customer_id text unique;

    create table subscriptions (
      id text primary key,
      organization_id uuid not null references organizations (id) on delete cascade,
      stripe_customer_id text not null,
      status text not null check (status in (
        'incomplete', 'incomplete_expired', 'trialing', 'active', 'past_due', 'canceled', 'unpaid', 'paused')),
      price_id text not null,
      -- null: a price this product does not sell; it entitles to nothing.
      plan_key text check (plan_key in ('pro', 'business')),
      current_period_start timestamptz,
      current_period_end timestamptz,
      cancel_at_period_end boolean not null default false,
      trial_end timestamptz,
      canceled_at timestamptz,
      stripe_created_at timestamptz not null,
      synced_at timestamptz not null default now(),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index subscriptions_organization_id_idx on subscriptions (organization_id);
    create index subscriptions_stripe_customer_id_idx on subscriptions (stripe_customer_id);
    create trigger subscriptions_set_updated_at before update on subscriptions
      for each row execute function set_updated_at();

    create table stripe_events (
      id text primary key,
      type text not null,
      api_version text,
      livemode boolean not null,
      stripe_created_at timestamptz not null,
      payload jsonb not null,
      status text not null default 'pending' check (status in ('pending', 'processed', 'ignored', 'failed')),
      attempts integer not null default 0,
      last_error text,
      received_at timestamptz not null default now(),
      processed_at timestamptz
    );
    create index stripe_events_unfinished_idx on stripe_events (received_at) where status in ('pending', 'failed');

    create table usage_daily (
      organization_id uuid not null references organizations (id) on delete cascade,
      day date not null,
      metric text not null check (char_length(metric) <= 64),
      count bigint not null default 0,
      primary key (organization_id, day, metric)
    );
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    drop table usage_daily;
    drop table stripe_events;
    drop table subscriptions;
    alter table organizations drop column stripe_customer_id;
  `);
}
