import type { Knex } from 'knex';

// The row trigger of audit_events refuses UPDATE and DELETE; TRUNCATE bypasses
// row triggers, so it gets its own statement-level guard.

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create trigger audit_events_no_truncate before truncate on audit_events
      for each statement execute function audit_events_append_only();
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop trigger audit_events_no_truncate on audit_events');
}
