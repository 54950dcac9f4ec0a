import { spawn, spawnSync } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

import { Redis } from 'ioredis';

async function answers(url: string): Promise<boolean> {
  const client = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
    return true;
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

const HOW_TO_GET_REDIS = [
  'No Redis answers at %URL%, and no redis-server binary is on the PATH to start one.',
  'Get Redis in one of these ways, then run `npm run dev` again:',
  '  docker compose up -d redis',
  '  sudo apt-get install redis-server     (Debian/Ubuntu)',
  '  brew install redis                    (macOS)',
  'or point REDIS_URL at a Redis you already have.',
].join('\n');

/**
 * Uses the Redis at `url` if it answers. Otherwise, if the URL is local and a
 * `redis-server` binary exists, starts one for this dev session (data in
 * `.data/redis`). Otherwise explains how to get Redis.
 */
export async function ensureDevRedis(url: string, log: (line: string) => void): Promise<{ stop: () => Promise<void> }> {
  if (await answers(url)) {
    // Said out loud: it may be a redis-server an earlier session left behind, which this one will not stop.
    log(`using the Redis that already answers at ${url}`);
    return { stop: () => Promise.resolve() };
  }
  const { hostname, port } = new URL(url);
  const isLocal = hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]';
  const hasBinary = spawnSync('redis-server', ['--version']).status === 0;
  if (!isLocal || !hasBinary) throw new Error(HOW_TO_GET_REDIS.replace('%URL%', url));

  const dataDir = resolve('.data/redis');
  await mkdir(dataDir, { recursive: true });
  log(`starting redis-server on port ${port || '6379'} (data in ${dataDir})`);
  const child = spawn(
    'redis-server',
    ['--port', port || '6379', '--bind', '127.0.0.1', '--dir', dataDir, '--appendonly', 'yes', '--save', ''],
    // Its own process group: a Ctrl-C must not stop Redis before the apps have drained.
    { stdio: 'ignore', detached: true },
  );
  for (let attempt = 0; attempt < 50; attempt += 1) {
    if (await answers(url)) {
      return {
        stop: async () => {
          child.kill('SIGTERM');
          await new Promise((done) => child.once('exit', done));
        },
      };
    }
    if (child.exitCode !== null) break;
    await delay(100);
  }
  child.kill('SIGKILL');
  throw new Error(`redis-server did not start on port ${port || '6379'}; is the port taken by something else?`);
}
