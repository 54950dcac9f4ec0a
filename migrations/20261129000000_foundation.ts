import type { Knex } from 'knex';

// What later migrations rely on: case-insensitive text (e-mail addresses) and
// one trigger function that keeps `updated_at` honest whoever writes the row.
// gen_random_uuid() is built into PostgreSQL 13+, so pgcrypto is not needed.

export async function up(knex: Knex): Promise<void> {
  await knex.raw('create extension if not exists citext');
  await knex.raw(`
    create or replace function set_updated_at() returns trigger
    language plpgsql as $$
    begin
      new.updated_at := now();
      return new;
    end;
    $$
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop function if exists set_updated_at()');
  await knex.raw('drop extension if exists citext');
}
