import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

import { Redis } from 'ioredis';

/** Until the new server answers: it listens a few ms after spawn, and there is no event to await. */
async function waitForPing(url: string, child: ChildProcess): Promise<void> {
  for (let attempt = 0; attempt < 400; attempt += 1) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
    const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.ping();
      return;
    } catch {
      await delay(25);
    } finally {
      client.disconnect();
    }
  }
  throw new Error(`redis-server on ${url} did not answer`);
}

/**
 * A redis-server of the suite's own on a private port, with an append-only
 * file in its own directory: every write it acknowledged is in the file
 * before a SIGKILL, so a restart keeps its data; `restart({ keepData: false })`
 * deletes the file first, as a cache-only Redis, a failover to an empty
 * replica or a FLUSHALL would lose it.
 */
export async function startPrivateRedis(options: { dir: string; port: number }) {
  const url = `redis://127.0.0.1:${options.port}`;
  const dataDir = join(options.dir, 'redis');
  let child: ChildProcess | null = null;

  async function start(): Promise<void> {
    await mkdir(dataDir, { recursive: true });
    const started = spawn(
      'redis-server',
      ['--port', String(options.port), '--bind', '127.0.0.1', '--dir', dataDir, '--save', '', '--appendonly', 'yes'],
      { stdio: 'ignore' },
    );
    child = started;
    await waitForPing(url, started);
  }

  async function kill(): Promise<void> {
    const current = child;
    child = null;
    if (current?.exitCode !== null || current.signalCode !== null) return;
    const exited = once(current, 'exit');
    current.kill('SIGKILL');
    await exited;
  }

  await start();
  return {
    url,
    /** SIGKILL, then start again on the same port, with its data or without. */
    async restart(options: { keepData: boolean }): Promise<void> {
      await kill();
      if (!options.keepData) await rm(dataDir, { recursive: true, force: true });
      await start();
    },
    stop: kill,
  };
}

export type PrivateRedis = Awaited<ReturnType<typeof startPrivateRedis>>;
