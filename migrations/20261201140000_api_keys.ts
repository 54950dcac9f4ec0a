import type { Knex } from 'knex';

// Organization API keys. Only a SHA-256 hash of each secret is stored (the
// secret carries 256 random bits, so a fast hash is enough: ADR 025); the
// prefix and last four characters let people recognise a key in a list.
// A rotated key points at its successor and keeps working until expires_at.

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table api_keys (
      id uuid primary key default gen_random_uuid(),
      organization_id uuid not null references organizations (id) on delete cascade,
      name text not null check (char_length(name) between 1 and 100),
      key_hash bytea not null unique check (octet_length(key_hash) = 32),
      prefix text not null check (prefix in ('gw_live_', 'gw_test_')),
      last_four text not null check (char_length(last_four) = 4),
      scopes text[] not null check (cardinality(scopes) >= 1 and scopes <@ array['read', 'write']::text[]),
      created_by_user_id uuid references users (id) on delete set null,
      created_at timestamptz not null default now(),
      expires_at timestamptz,
      last_used_at timestamptz,
      revoked_at timestamptz,
      replaced_by_id uuid references api_keys (id) on delete set null
    );
    create index api_keys_organization_idx on api_keys (organization_id, created_at);
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table api_keys;');
}
