import { fileURLToPath } from 'node:url';

import { afterEach, describe, expect, test } from 'vitest';

import { createDatabase, dropDatabase } from '../../../../test/support/postgres-admin.js';
import { databaseUrl, uniqueName } from '../../../../test/support/test-env.js';
import { checkMigrationRoundTrip } from './round-trip.js';
import { dumpSchema } from './schema-dump.js';

const PROJECT_MIGRATIONS = fileURLToPath(new URL('../../../../migrations', import.meta.url));
const LEAKY_MIGRATIONS = fileURLToPath(new URL('./fixtures/incomplete-down', import.meta.url));

describe('migration round trip', () => {
  const scratch: string[] = [];
  afterEach(async () => {
    for (const name of scratch.splice(0)) await dropDatabase(name);
  });

  async function emptyDatabase() {
    const name = uniqueName('gwt_roundtrip_');
    scratch.push(name);
    await createDatabase(name);
    return {
      url: databaseUrl(name),
      pool: { min: 0, max: 2 },
      idleTimeoutMs: 1_000,
      statementTimeoutMs: 30_000,
      connectTimeoutMs: 3_000,
    };
  }

  test("when the project's migrations go up, down to zero and up again, then the schema comes back identical", async () => {
    const report = await checkMigrationRoundTrip({
      db: await emptyDatabase(),
      directory: PROJECT_MIGRATIONS,
      dump: dumpSchema,
    });

    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.applied.length).toBeGreaterThan(0);
  });

  test('when a down migration leaves a table behind, then the check fails and names it', async () => {
    const report = await checkMigrationRoundTrip({
      db: await emptyDatabase(),
      directory: LEAKY_MIGRATIONS,
      dump: dumpSchema,
    });

    expect(report.ok).toBe(false);
    expect(report.problems.join('\n')).toContain('leaky_audit');
  });
});
