import type { Knex } from 'knex';

// The e-mail outbox. A use case records the message in the same transaction as
// the change that causes it (a signup, a reset request), then queues a job;
// the worker delivers it and records the outcome, so a retried job never hands
// a delivered message to the SMTP server again. The template data can carry a
// secret link: it is erased once the message is delivered.

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table outbound_emails (
      id uuid primary key default gen_random_uuid(),
      template text not null check (char_length(template) <= 64),
      recipient citext not null check (char_length(recipient) <= 254),
      data jsonb not null default '{}'::jsonb,
      status text not null default 'queued' check (status in ('queued', 'sending', 'sent', 'failed')),
      attempts integer not null default 0,
      last_error text check (char_length(last_error) <= 1000),
      smtp_response text check (char_length(smtp_response) <= 1000),
      created_at timestamptz not null default now(),
      sending_at timestamptz,
      sent_at timestamptz
    );
    -- The sweeper's scan: messages still waiting after a lost enqueue.
    create index outbound_emails_pending_idx on outbound_emails (created_at) where status in ('queued', 'sending');
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table outbound_emails');
}
