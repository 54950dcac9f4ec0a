import type { Knex } from 'knex';

// Accounts, organizations, refresh-token families and the security audit log.
// Lengths are enforced here as well as by the API's input schemas, so a bug
// in one layer cannot store what the other promises never to accept.

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table users (
      id uuid primary key default gen_random_uuid(),
      email citext not null unique check (char_length(email) <= 254),
      password_hash text not null,
      display_name text not null check (char_length(display_name) between 1 and 100),
      email_verified_at timestamptz,
      -- Access and refresh tokens issued before this instant are void (mass revocation).
      tokens_valid_after timestamptz not null default now(),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create trigger users_set_updated_at before update on users
      for each row execute function set_updated_at();

    create table organizations (
      id uuid primary key default gen_random_uuid(),
      name text not null check (char_length(name) between 1 and 100),
      personal boolean not null default false,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create trigger organizations_set_updated_at before update on organizations
      for each row execute function set_updated_at();

    create table memberships (
      organization_id uuid not null references organizations (id) on delete cascade,
      user_id uuid not null references users (id) on delete cascade,
      role text not null check (role in ('owner', 'admin', 'member')),
      created_at timestamptz not null default now(),
      primary key (organization_id, user_id)
    );
    create index memberships_user_id_idx on memberships (user_id);

    create table refresh_tokens (
      id uuid primary key default gen_random_uuid(),
      token_hash bytea not null unique check (octet_length(token_hash) = 32),
      family_id uuid not null,
      parent_id uuid references refresh_tokens (id) on delete cascade,
      user_id uuid not null references users (id) on delete cascade,
      created_at timestamptz not null default now(),
      used_at timestamptz,
      revoked_at timestamptz,
      family_expires_at timestamptz not null,
      user_agent text check (char_length(user_agent) <= 512),
      ip text check (char_length(ip) <= 64)
    );
    create index refresh_tokens_family_id_idx on refresh_tokens (family_id);
    create index refresh_tokens_user_id_idx on refresh_tokens (user_id);
    create unique index refresh_tokens_parent_id_idx on refresh_tokens (parent_id);

    create table audit_events (
      id bigint generated always as identity primary key,
      type text not null check (char_length(type) <= 64),
      -- No foreign keys: the record outlives the user or organization it names.
      actor_user_id uuid,
      organization_id uuid,
      ip text check (char_length(ip) <= 64),
      user_agent text check (char_length(user_agent) <= 512),
      request_id text check (char_length(request_id) <= 128),
      metadata jsonb not null default '{}'::jsonb,
      created_at timestamptz not null default now()
    );
    create index audit_events_actor_user_id_idx on audit_events (actor_user_id, created_at);

    create function audit_events_append_only() returns trigger
    language plpgsql as $$
    begin
      raise exception 'audit_events is append-only';
    end;
    $$;
    create trigger audit_events_no_update before update or delete on audit_events
      for each statement execute function audit_events_append_only();
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    drop table audit_events;
    drop function audit_events_append_only();
    drop table refresh_tokens;
    drop table memberships;
    drop table organizations;
    drop table users;
  `);
}
