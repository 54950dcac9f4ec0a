import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
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
 * A redis-server process of the caller's own on a loopback port (never the
 * shared Redis), started and SIGKILLed on demand with the same arguments, for
 * tests and the fault suite that restart Redis under load.
 */
export function redisServerProcess(options: { port: number; args: string[] }) {
  const url = `redis://127.0.0.1:${options.port}`;
  let child: ChildProcess | null = null;
  return {
    url,
    start: async (): Promise<void> => {
      const started = spawn('redis-server', ['--port', String(options.port), '--bind', '127.0.0.1', ...options.args], {
        stdio: 'ignore',
      });
      child = started;
      await waitForPing(url, started);
    },
    kill: async (): Promise<void> => {
      const current = child;
      child = null;
      if (current?.exitCode !== null || current.signalCode !== null) return;
      const exited = once(current, 'exit');
      current.kill('SIGKILL');
      await exited;
    },
  };
}
