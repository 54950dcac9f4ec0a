import type { Knex } from 'knex';

// TOTP two-factor (issue 14): one credential per user, its secret encrypted by
// the application (AES-256-GCM, ADR 026), and ten single-use recovery codes
// stored as SHA-256 hashes. `last_used_step` is the replay guard: a code is
// accepted only by the one UPDATE that moves it forward.

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table two_factor_credentials (
      user_id uuid primary key references users (id) on delete cascade,
      secret_ciphertext bytea not null check (octet_length(secret_ciphertext) <= 256),
      confirmed_at timestamptz,
      last_used_step bigint,
      created_at timestamptz not null default now()
    );

    create table recovery_codes (
      id uuid primary key default gen_random_uuid(),
      user_id uuid not null references users (id) on delete cascade,
      code_hash bytea not null check (octet_length(code_hash) = 32),
      created_at timestamptz not null default now(),
      used_at timestamptz,
      unique (user_id, code_hash)
    );
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table recovery_codes; drop table two_factor_credentials;');
}
