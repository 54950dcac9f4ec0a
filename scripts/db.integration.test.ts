import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { createDatabase, dropDatabase } from '../test/support/postgres-admin.js';
import { databaseUrl, uniqueName } from '../test/support/test-env.js';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const TSX_LOADER = import.meta.resolve('tsx');

describe('npm run db:* (scripts/db.ts)', () => {
  const name = uniqueName('gwt_dbscript_');
  beforeAll(() => createDatabase(name));
  afterAll(() => dropDatabase(name));

  /** The entry script as npm runs it: from the repository root, migrations found relative to it. */
  async function db(...args: string[]) {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', TSX_LOADER, 'scripts/db.ts', ...args], {
      cwd: REPO_ROOT,
      env: { NODE_ENV: 'test', DATABASE_URL: databaseUrl(name) },
    });
    return stdout;
  }

  test('when run with latest --dry-run and then latest, then the first prints SQL and changes nothing, the second applies', async () => {
    const dryRun = await db('latest', '--dry-run');
    const statusBefore = await db('status');
    const applied = await db('latest');

    expect(dryRun).toMatch(/create table users/i);
    expect(statusBefore).toMatch(/^0 applied, \d+ pending\.$/m);
    expect(applied).toMatch(/^Applied \d+: 20261129000000_foundation\.ts/);
  });
});
