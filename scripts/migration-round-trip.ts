/**
 * `npm run db:check-rollback`: proves every migration's `down` undoes its `up`.
 * Works on a throwaway database created next to DATABASE_URL's (the role needs
 * CREATEDB), never on DATABASE_URL's own data. CI runs it on every change.
 */
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';

import { loadConfigOrExit } from '@groundwork/config';
import { checkMigrationRoundTrip, createDb, dumpSchema } from '@groundwork/db';

const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations', import.meta.url));

const config = loadConfigOrExit();
const scratchName = `groundwork_roundtrip_${randomBytes(4).toString('hex')}`;
const scratchUrl = new URL(config.db.url);
scratchUrl.pathname = `/${scratchName}`;

const admin = createDb({ ...config.db, pool: { min: 0, max: 1 } });
await admin.raw('create database ??', [scratchName]);
let exitCode = 1;
try {
  const report = await checkMigrationRoundTrip({
    db: { ...config.db, url: scratchUrl.toString(), pool: { min: 0, max: 2 } },
    directory: MIGRATIONS_DIR,
    dump: dumpSchema,
  });
  if (report.ok) {
    console.log(
      `Migration round trip OK: ${report.applied.length} migrations up, down to zero, up again; schemas identical.`,
    );
    exitCode = 0;
  } else {
    console.error(`Migration round trip FAILED:\n${report.problems.join('\n\n')}`);
  }
} finally {
  await admin.raw('drop database if exists ?? with (force)', [scratchName]);
  await admin.destroy();
}
process.exit(exitCode);
