import type { Knex } from 'knex';

import { listMigrationFiles, loadMigration } from './migration-source.js';
import { appliedMigrations } from './migration-status.js';

export type RehearsedMigration = { name: string; statements: string[] };

export type DryRunReport = {
  /** Each pending migration that ran (the failed one last), with the SQL it sent. */
  migrations: RehearsedMigration[];
  failure: { name: string; message: string } | null;
};

/** Thrown inside the transaction to undo it; never leaves `dryRunLatest`. */
class RollBack extends Error {}

function sqlOf(query: { sql: string; bindings?: readonly unknown[] }): string {
  const bindings = query.bindings ?? [];
  return bindings.length === 0 ? query.sql : `${query.sql} -- bindings: ${JSON.stringify(bindings)}`;
}

/**
 * Rehearses the pending migrations: runs each `up` in order inside one
 * transaction, records the SQL it sends, and rolls everything back.
 * PostgreSQL's DDL is transactional, so nothing is left behind, not even
 * knex's own tables. A migration that opts out of transactions
 * (`config.transaction = false`, e.g. `create index concurrently`) cannot be
 * rehearsed and is reported as the failure.
 *
 * @param directory the migrations, as for {@link createMigrationSource}
 */
export async function dryRunLatest(db: Knex, directory: string): Promise<DryRunReport> {
  const done = new Set(await appliedMigrations(db));
  const pending = (await listMigrationFiles(directory)).filter((migration) => !done.has(migration.name));
  const report: DryRunReport = { migrations: [], failure: null };
  await db
    .transaction(async (trx) => {
      let current: RehearsedMigration | undefined;
      trx.on('query', (query: { sql: string; bindings?: unknown[] }) => current?.statements.push(sqlOf(query)));
      for (const migration of pending) {
        current = { name: migration.name, statements: [] };
        report.migrations.push(current);
        try {
          const loaded = await loadMigration(directory, migration);
          if (loaded.config?.transaction === false) {
            throw new Error('it disables transactions (config.transaction = false), so it cannot be rehearsed');
          }
          await loaded.up(trx);
        } catch (error) {
          report.failure = { name: migration.name, message: error instanceof Error ? error.message : String(error) };
          break;
        }
      }
      // Knex's own ROLLBACK is not part of any migration.
      current = undefined;
      throw new RollBack();
    })
    .catch((error: unknown) => {
      if (!(error instanceof RollBack)) throw error;
    });
  return report;
}
