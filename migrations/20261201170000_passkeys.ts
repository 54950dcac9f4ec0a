import type { Knex } from 'knex';

// Passkeys (WebAuthn, issue 14 part 3, ADR 028): a user's registered public-key
// credentials. The credential id is unique across users (an authenticator
// answers with it, and it names one key). `counter` is the clone guard: an
// assertion is accepted only by the UPDATE that moves it forward. Rows go with
// the user: the cascade for a hard delete, and account erasure (ADR 023)
// deletes them explicitly, since a deleted account keeps its tombstone row.

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table passkeys (
      id uuid primary key default gen_random_uuid(),
      user_id uuid not null references users (id) on delete cascade,
      credential_id text not null unique check (char_length(credential_id) between 16 and 1366),
      public_key bytea not null check (octet_length(public_key) <= 2048),
      counter bigint not null default 0 check (counter >= 0),
      transports text[] not null default '{}',
      name text not null check (char_length(name) between 1 and 100),
      device_type text not null check (device_type in ('singleDevice', 'multiDevice')),
      backed_up boolean not null default false,
      created_at timestamptz not null default now(),
      last_used_at timestamptz
    );
    create index passkeys_user_idx on passkeys (user_id, created_at);
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table passkeys;');
}
