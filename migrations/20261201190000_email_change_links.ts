import type { Knex } from 'knex';

// Changing the account's e-mail address (issue 14, step-up): a one-time link
// sent to the NEW address proves it before the account moves to it. It is an
// account token like verification and reset, with the new address in `email`.

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    alter table account_tokens drop constraint account_tokens_purpose_check;
    alter table account_tokens add constraint account_tokens_purpose_check
      check (purpose in ('email_verification', 'password_reset', 'email_change'));
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    delete from account_tokens where purpose = 'email_change';
    alter table account_tokens drop constraint account_tokens_purpose_check;
    alter table account_tokens add constraint account_tokens_purpose_check
      check (purpose in ('email_verification', 'password_reset'));
  `);
}
