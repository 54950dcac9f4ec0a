import type { Knex } from 'knex';

// Account deletion. A deleted user's row stays as an anonymised tombstone
// (deleted_at set, e-mail replaced, no usable password), so its id still
// names the actor of its audit events and its tokens_valid_after still voids
// every token it was issued. An organization the user solely owned is deleted
// by the worker after its Stripe subscriptions are canceled; the request that
// asks for it records it here, in the same transaction, so a lost job or a
// crashed worker is found again by the sweeper until completed_at is set.

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    alter table users add column deleted_at timestamptz;

    create table organization_deletions (
      id uuid primary key default gen_random_uuid(),
      -- No foreign key: the record outlives the organization it deletes.
      organization_id uuid not null unique,
      stripe_customer_id text,
      requested_by_user_id uuid not null,
      attempts integer not null default 0,
      last_error text check (char_length(last_error) <= 1000),
      created_at timestamptz not null default now(),
      completed_at timestamptz
    );
    -- The sweeper's scan: deletions whose job was lost or keeps failing.
    create index organization_deletions_unfinished_idx on organization_deletions (created_at)
      where completed_at is null;
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    drop table organization_deletions;
    alter table users drop column deleted_at;
  `);
}
