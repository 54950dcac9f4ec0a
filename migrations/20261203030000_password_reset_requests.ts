import type { Knex } from 'knex';

// Password-reset requests, stored before they are queued (ADR 030): the API
// records each request in one INSERT, the same for any address, then queues a
// job naming the row; the worker takes the row (deleting it) in the transaction
// that issues the link, so a request whose job was never queued or was lost
// with Redis's data is found and queued again by a sweeper, and a served one is
// gone, with its address.

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table password_reset_requests (
      id uuid primary key default gen_random_uuid(),
      email citext not null check (char_length(email) <= 254),
      ip text not null check (char_length(ip) <= 64),
      user_agent text check (char_length(user_agent) <= 512),
      request_id text not null check (char_length(request_id) <= 128),
      created_at timestamptz not null default now()
    );
    -- The sweeper's scan: requests still waiting after a lost enqueue.
    create index password_reset_requests_created_at_idx on password_reset_requests (created_at);
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table password_reset_requests');
}
