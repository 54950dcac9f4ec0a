import { once } from 'node:events';
import { createServer } from 'node:net';

import { redisServerProcess } from '../../scripts/lib/redis-server-process.js';

/** A port nobody listens on right now (the OS picks it; taken again at once by the caller). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/**
 * A redis-server of a test's own on a private port, without persistence: a
 * restart comes back empty, as after a crash of a cache-only Redis or a
 * failover to an empty replica. Never the shared Redis other tests use.
 */
export async function startPrivateRedis(extraArgs: string[] = []) {
  const port = await freePort();
  const server = redisServerProcess({ port, args: ['--save', '', '--appendonly', 'no', ...extraArgs] });
  await server.start();
  return {
    url: server.url,
    port,
    /** Config pointing at it: a single server whatever TEST_REDIS_MODE says (the test needs to kill, restart or watch it). */
    env: { REDIS_URL: server.url, REDIS_MODE: 'standalone' },
    /** SIGKILL and start again on the same port: every key is gone. */
    async restart(): Promise<void> {
      await server.kill();
      await server.start();
    },
    stop: server.kill,
    /** After `stop`: the server again on the same port, empty. */
    start: server.start,
  };
}

export type PrivateRedis = Awaited<ReturnType<typeof startPrivateRedis>>;
