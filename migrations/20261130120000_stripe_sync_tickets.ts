import type { Knex } from 'knex';

// Customer syncs read Stripe outside any transaction (ADR 020). A ticket taken
// before each read orders the reads; a sync writes only if its ticket is newer
// than the one whose read last wrote the organization's rows, so an older read
// that finishes late can never overwrite a newer one.

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create sequence stripe_sync_tickets;
    alter table organizations add column stripe_synced_ticket bigint;
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    alter table organizations drop column stripe_synced_ticket;
    drop sequence stripe_sync_tickets;
  `);
}
