import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const SCRIPT = fileURLToPath(new URL('../../scripts/ci/redis-cluster.sh', import.meta.url));

async function isFree(port: number): Promise<boolean> {
  const server = createServer();
  server.listen(port, '127.0.0.1');
  try {
    await once(server, 'listening');
    server.close();
    await once(server, 'close');
    return true;
  } catch {
    return false;
  }
}

/** Three ports whose cluster-bus twins (+10000) are free too: the OS's ephemeral range is too high for that. */
async function clusterPorts(): Promise<[number, number, number]> {
  const ports: number[] = [];
  while (ports.length < 3) {
    const port = 17_000 + Math.floor(Math.random() * 10_000);
    if (!ports.includes(port) && (await isFree(port)) && (await isFree(port + 10_000))) ports.push(port);
  }
  return ports as [number, number, number];
}

/**
 * A Redis Cluster of three masters of the caller's own (scripts/ci/redis-cluster.sh,
 * as CI runs it), on private ports in a temporary folder: never the shared Redis.
 */
export async function startPrivateRedisCluster() {
  const dir = await mkdtemp(join(tmpdir(), 'gw-redis-cluster-'));
  const ports = await clusterPorts();
  await run(SCRIPT, ['start', dir, ...ports.map(String)]);
  return {
    /** A seed node's URL: what REDIS_URL names in cluster mode. */
    url: `redis://127.0.0.1:${ports[0]}`,
    ports,
    /** Kills one node (SIGKILL: no goodbye to the cluster), as a crashed master. */
    async killNode(port: number): Promise<void> {
      const pid = (await readFile(join(dir, `node-${port}.pid`), 'utf8')).trim();
      process.kill(Number(pid), 'SIGKILL');
    },
    stop: async (): Promise<void> => {
      await run(SCRIPT, ['stop', dir]);
    },
  };
}
