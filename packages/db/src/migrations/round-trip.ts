import { createDb, type DbOptions } from '../create-db.js';
import { migrateLatest, rollbackAll } from './migrate.js';

export type RoundTripReport = {
  ok: boolean;
  applied: string[];
  problems: string[];
};

function difference(expected: string, actual: string): string {
  const expectedLines = new Set(expected.split('\n'));
  const actualLines = new Set(actual.split('\n'));
  const missing = [...expectedLines].filter((line) => !actualLines.has(line)).map((line) => `- ${line}`);
  const extra = [...actualLines].filter((line) => !expectedLines.has(line)).map((line) => `+ ${line}`);
  return [...missing, ...extra].slice(0, 40).join('\n');
}

/**
 * Proves every migration's `down` undoes its `up`: on an empty database,
 * migrate up, roll everything back (the schema must equal the empty one),
 * and migrate up again (the schema must equal the first `up`).
 *
 * @param options.db connection settings of an empty scratch database
 * @param options.dump returns a comparable schema dump of that database
 */
export async function checkMigrationRoundTrip(options: {
  db: DbOptions;
  directory: string;
  dump: (databaseUrl: string) => Promise<string>;
}): Promise<RoundTripReport> {
  const db = createDb(options.db);
  const problems: string[] = [];
  try {
    const empty = await options.dump(options.db.url);
    const applied = await migrateLatest(db, options.directory);
    const afterUp = await options.dump(options.db.url);

    const reverted = await rollbackAll(db, options.directory);
    if (reverted.length !== applied.length) {
      problems.push(`rolled back ${reverted.length} of ${applied.length} migrations`);
    }
    const afterDown = await options.dump(options.db.url);
    if (afterDown !== empty) {
      problems.push(`rolling back everything left schema behind:\n${difference(empty, afterDown)}`);
    }

    try {
      await migrateLatest(db, options.directory);
    } catch (error) {
      problems.push(`migrating up again failed: ${error instanceof Error ? error.message : String(error)}`);
      return { ok: false, applied, problems };
    }
    const afterSecondUp = await options.dump(options.db.url);
    if (afterSecondUp !== afterUp) {
      problems.push(`migrating up again gave a different schema:\n${difference(afterUp, afterSecondUp)}`);
    }
    return { ok: problems.length === 0, applied, problems };
  } finally {
    await db.destroy();
  }
}
