import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * The database's schema as `pg_dump --schema-only` prints it, minus what
 * differs between two dumps of the same schema (comments, blank lines, the
 * random `\restrict` key of recent pg_dump) and knex's own bookkeeping tables.
 */
export async function dumpSchema(databaseUrl: string): Promise<string> {
  const { stdout } = await run(
    'pg_dump',
    ['--schema-only', '--no-owner', '--no-privileges', '--exclude-table=knex_migrations*', databaseUrl],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  return stdout
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('--') && !/^\\(un)?restrict /.test(line))
    .join('\n');
}
