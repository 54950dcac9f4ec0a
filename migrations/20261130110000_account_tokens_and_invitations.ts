import type { Knex } from 'knex';

// One-time links sent by e-mail: address verification and password reset
// (account_tokens), and invitations to an organization. Only a SHA-256 hash
// of each token is stored; consuming one is a single conditional UPDATE, so
// a link works once however many requests race on it.

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table account_tokens (
      id uuid primary key default gen_random_uuid(),
      user_id uuid not null references users (id) on delete cascade,
      purpose text not null check (purpose in ('email_verification', 'password_reset')),
      token_hash bytea not null unique check (octet_length(token_hash) = 32),
      -- The address the link was sent to: verifying it proves that address, not a later one.
      email citext not null check (char_length(email) <= 254),
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      consumed_at timestamptz
    );
    create index account_tokens_user_purpose_idx on account_tokens (user_id, purpose) where consumed_at is null;

    create table invitations (
      id uuid primary key default gen_random_uuid(),
      organization_id uuid not null references organizations (id) on delete cascade,
      email citext not null check (char_length(email) <= 254),
      role text not null check (role in ('owner', 'admin', 'member')),
      token_hash bytea not null unique check (octet_length(token_hash) = 32),
      invited_by_user_id uuid references users (id) on delete set null,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      accepted_at timestamptz,
      accepted_by_user_id uuid references users (id) on delete set null,
      revoked_at timestamptz
    );
    -- At most one open invitation per address and organization; resending replaces its token.
    create unique index invitations_open_per_email_idx on invitations (organization_id, email)
      where accepted_at is null and revoked_at is null;
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table invitations; drop table account_tokens;');
}
