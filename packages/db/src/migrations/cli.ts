import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import type { Knex } from 'knex';

import { dryRunLatest } from './dry-run.js';
import { migrateLatest, rollback } from './migrate.js';
import { listMigrationFiles } from './migration-source.js';
import { migrationStatus } from './migration-status.js';

export const MIGRATION_CLI_USAGE = `Usage: db <command> [--dir <migrations directory>]

  latest [--dry-run]   apply pending migrations; --dry-run rehearses them in a transaction that is
                       rolled back, and prints the SQL they ran
  rollback [--all]     roll back the latest batch, or every migration
  status               list applied and pending migrations
  make <name>          write migrations/<timestamp>_<name>.ts (or into --dir) from the template`;

export type MigrationCliDeps = {
  /** Opens the database; `make` never calls it, so it works without one. */
  connect: () => Knex;
  /** The migrations when `--dir` is not given (absolute, or relative to the working directory). */
  directory: () => string;
  /** The template `make` copies. */
  template: string;
  out: (line: string) => void;
  err: (line: string) => void;
  now?: () => Date;
};

/** `20261129120000`: the UTC timestamp knex puts in front of migration names. */
function timestamp(date: Date): string {
  return date.toISOString().replace(/\D/g, '').slice(0, 14);
}

async function latest(db: Knex, directory: string, out: MigrationCliDeps['out']): Promise<number> {
  const applied = await migrateLatest(db, directory);
  out(applied.length === 0 ? 'Already up to date.' : `Applied ${applied.length}: ${applied.join(', ')}`);
  return 0;
}

async function dryRun(db: Knex, directory: string, deps: MigrationCliDeps): Promise<number> {
  const report = await dryRunLatest(db, directory);
  if (report.migrations.length === 0) {
    deps.out('Already up to date: nothing to rehearse.');
    return 0;
  }
  for (const migration of report.migrations) {
    deps.out(`-- ${migration.name}`);
    for (const statement of migration.statements) deps.out(`${statement.trim().replace(/;+$/, '')};`);
  }
  const count = report.migrations.length;
  if (report.failure) {
    deps.err(`Dry run FAILED in ${report.failure.name}: ${report.failure.message}`);
    deps.err('Everything it ran was rolled back; the database is unchanged.');
    return 1;
  }
  deps.out(
    `-- Dry run: ${count} pending migration${count === 1 ? '' : 's'} ran and were rolled back; nothing changed.`,
  );
  return 0;
}

async function status(db: Knex, directory: string, out: MigrationCliDeps['out']): Promise<number> {
  const expected = (await listMigrationFiles(directory)).map((migration) => migration.name);
  const { applied, pending } = await migrationStatus(db, expected);
  const known = new Set(expected);
  for (const name of applied) out(`${known.has(name) ? 'applied' : 'applied, not in this code'}  ${name}`);
  for (const name of pending) out(`pending  ${name}`);
  out(`${applied.length} applied, ${pending.length} pending.`);
  return 0;
}

async function make(name: string | undefined, directory: string, deps: MigrationCliDeps): Promise<number> {
  if (!name || !/^[a-z0-9][a-z0-9_]*$/.test(name)) {
    deps.err('make needs a name of lowercase letters, digits and "_", e.g. `make add_invoices`.');
    return 2;
  }
  const file = join(directory, `${timestamp(deps.now?.() ?? new Date())}_${name}.ts`);
  if (existsSync(file)) {
    deps.err(`${file} already exists.`);
    return 1;
  }
  await writeFile(file, await readFile(deps.template, 'utf8'), { flag: 'wx' });
  deps.out(`Created ${file}`);
  return 0;
}

/**
 * The `db` command: knex's programmatic migrator over our migration source,
 * so names are recorded as `<timestamp>_<name>.ts` whether the migrations are
 * `.ts` sources or compiled `.js`.
 *
 * @param argv the arguments after the script, e.g. `['latest', '--dry-run']`
 * @returns the exit code: 0 done, 1 failed, 2 usage error
 */
export async function runMigrationCli(argv: readonly string[], deps: MigrationCliDeps): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: { 'dry-run': { type: 'boolean' }, all: { type: 'boolean' }, dir: { type: 'string' } },
    });
  } catch (error) {
    deps.err(`${error instanceof Error ? error.message : String(error)}\n\n${MIGRATION_CLI_USAGE}`);
    return 2;
  }
  const [command, ...rest] = parsed.positionals;
  // `make` needs no configuration, so it works before DATABASE_URL is set.
  if (command === 'make') return make(rest[0], parsed.values.dir ?? 'migrations', deps);
  const directory = parsed.values.dir ?? deps.directory();
  if (!command || !['latest', 'rollback', 'status'].includes(command) || rest.length > 0) {
    deps.err(MIGRATION_CLI_USAGE);
    return 2;
  }
  const db = deps.connect();
  try {
    if (command === 'status') return await status(db, directory, deps.out);
    if (command === 'rollback') {
      const reverted = await rollback(db, directory, { all: parsed.values.all ?? false });
      deps.out(
        reverted.length === 0 ? 'Nothing to roll back.' : `Rolled back ${reverted.length}: ${reverted.join(', ')}`,
      );
      return 0;
    }
    return parsed.values['dry-run'] ? await dryRun(db, directory, deps) : await latest(db, directory, deps.out);
  } finally {
    await db.destroy();
  }
}
