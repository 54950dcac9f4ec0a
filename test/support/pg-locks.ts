import type { Knex } from '@groundwork/db';

/** Resolves once a statement starting with `statement` waits for a lock (seen in pg_stat_activity). */
export async function blockedOnALock(db: Knex, statement: string): Promise<void> {
  for (let check = 0; check < 500; check += 1) {
    const waiting = await db.raw<{ rows: unknown[] }>(
      `select 1 from pg_stat_activity where wait_event_type in ('Lock', 'LWLock') and query like ? and datname = current_database()`,
      [`${statement}%`],
    );
    if (waiting.rows.length > 0) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`no statement "${statement}" ever waited for a lock`);
}
