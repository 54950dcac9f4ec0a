import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdir } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';

import pg from 'pg';

const run = promisify(execFile);

/** Debian keeps initdb and pg_ctl out of PATH, under /usr/lib/postgresql/<version>/bin. */
function findBinDir(path: string): string {
  for (const directory of path.split(delimiter)) {
    if (directory && existsSync(join(directory, 'initdb')) && existsSync(join(directory, 'pg_ctl'))) return directory;
  }
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((name) => existsSync(join(root, name, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions[0]) return join(root, versions[0], 'bin');
  throw new Error('no PostgreSQL server binaries (initdb, pg_ctl): install the postgresql package');
}

/** PostgreSQL refuses to run as root: as root, its tools run as the `postgres` system user. */
async function systemUser(): Promise<{ uid: number; gid: number } | null> {
  if (process.getuid?.() !== 0) return null;
  const { stdout: uid } = await run('id', ['-u', 'postgres']);
  const { stdout: gid } = await run('id', ['-g', 'postgres']);
  return { uid: Number(uid.trim()), gid: Number(gid.trim()) };
}

/**
 * A PostgreSQL cluster of the suite's own (initdb in a temp dir, a private
 * port, trust on loopback), so it can be killed and restarted without touching
 * the shared server. fsync is off: the suite crashes processes, not the
 * machine, so the page cache survives and the flushes would only cost the
 * loaded machine time; synchronous_commit stays on, so a committed transaction
 * survives an immediate shutdown.
 */
export async function startPrivatePostgres(options: { dir: string; port: number; path: string }) {
  const bin = findBinDir(options.path);
  const user = await systemUser();
  const dataDir = join(options.dir, 'pgdata');
  const logFile = join(options.dir, 'postgres.log');
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  if (user) {
    await chown(options.dir, user.uid, user.gid);
    await chown(dataDir, user.uid, user.gid);
  }
  const tool = (name: string, args: string[]) =>
    user ? run('runuser', ['-u', 'postgres', '--', join(bin, name), ...args]) : run(join(bin, name), args);
  const serverOptions = [
    `-p ${options.port}`,
    '-c listen_addresses=127.0.0.1',
    "-c unix_socket_directories=''",
    '-c fsync=off',
    '-c max_connections=200',
  ].join(' ');
  await tool('initdb', [
    '-D',
    dataDir,
    '-U',
    'postgres',
    '--auth=trust',
    '-E',
    'UTF8',
    '--no-sync',
    '--no-instructions',
  ]);
  const start = () => tool('pg_ctl', ['start', '-D', dataDir, '-l', logFile, '-w', '-t', '60', '-o', serverOptions]);
  await start();

  const role = `gw_chaos_${randomBytes(3).toString('hex')}`;
  const password = randomBytes(24).toString('hex');
  const admin = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${options.port}/postgres` });
  await admin.connect();
  await admin.query(`create role ${role} login password '${password}'`);
  await admin.query(`create database ${role} owner ${role}`);
  await admin.end();

  return {
    url: `postgres://${role}:${password}@127.0.0.1:${options.port}/${role}`,
    password,
    /** A crash (immediate mode: every backend killed, recovery from WAL at start), then back. */
    async restart(): Promise<void> {
      await tool('pg_ctl', ['stop', '-D', dataDir, '-m', 'immediate', '-w']);
      await start();
    },
    async stop(): Promise<void> {
      await tool('pg_ctl', ['stop', '-D', dataDir, '-m', 'fast', '-w']).catch(() => undefined);
    },
  };
}

export type PrivatePostgres = Awaited<ReturnType<typeof startPrivatePostgres>>;
