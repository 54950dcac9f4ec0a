import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';

import { Redis } from 'ioredis';

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

/** Until the new server answers; it listens a few ms after spawn, and there is no event to await. */
async function waitForPing(url: string, child: ChildProcess): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
    const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.ping();
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 25));
    } finally {
      client.disconnect();
    }
  }
  throw new Error(`redis-server on ${url} did not answer`);
}

/**
 * A redis-server of a test's own on a private port, without persistence: a
 * restart comes back empty, as after a crash of a cache-only Redis or a
 * failover to an empty replica. Never the shared Redis other tests use.
 */
export async function startPrivateRedis(extraArgs: string[] = []) {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | null = null;

  async function start(): Promise<void> {
    const started = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...extraArgs],
      { stdio: 'ignore' },
    );
    child = started;
    await waitForPing(url, started);
  }

  async function stop(): Promise<void> {
    const current = child;
    child = null;
    if (current?.exitCode !== null) return;
    const exited = once(current, 'exit');
    current.kill('SIGKILL');
    await exited;
  }

  await start();
  return {
    url,
    port,
    /** SIGKILL and start again on the same port: every key is gone. */
    async restart(): Promise<void> {
      await stop();
      await start();
    },
    stop,
  };
}

export type PrivateRedis = Awaited<ReturnType<typeof startPrivateRedis>>;
