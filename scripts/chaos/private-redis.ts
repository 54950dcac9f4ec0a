import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

import { redisServerProcess } from '../lib/redis-server-process.js';

/**
 * A redis-server of the suite's own on a private port, with an append-only
 * file in its own directory: every write it acknowledged is in the file
 * before a SIGKILL, so a restart keeps its data; `restart({ keepData: false })`
 * deletes the file first, as a cache-only Redis, a failover to an empty
 * replica or a FLUSHALL would lose it.
 */
export async function startPrivateRedis(options: { dir: string; port: number }) {
  const dataDir = join(options.dir, 'redis');
  const server = redisServerProcess({
    port: options.port,
    args: ['--dir', dataDir, '--save', '', '--appendonly', 'yes'],
  });
  const start = async () => {
    await mkdir(dataDir, { recursive: true });
    await server.start();
  };

  await start();
  return {
    url: server.url,
    /** SIGKILL, then start again on the same port, with its data or without. */
    async restart(options: { keepData: boolean }): Promise<void> {
      await server.kill();
      if (!options.keepData) await rm(dataDir, { recursive: true, force: true });
      await start();
    },
    stop: server.kill,
  };
}

export type PrivateRedis = Awaited<ReturnType<typeof startPrivateRedis>>;
