import { withTimeout } from '@groundwork/core';
import { Cluster, type ClusterOptions, Redis, type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';

/** A connection to one Redis or to a Redis Cluster: the product's code works with either. */
export type RedisClient = Redis | Cluster;

export type RedisMode = 'standalone' | 'cluster';

/** Where Redis is: a URL, and whether it names one server or any node of a cluster. */
export type RedisTarget = { url: string; mode: RedisMode };

const asTarget = (target: string | RedisTarget): RedisTarget =>
  typeof target === 'string' ? { url: target, mode: 'standalone' } : target;

/**
 * The one place a Redis connection is made. In cluster mode the URL is a seed
 * node: ioredis discovers the others, follows MOVED/ASK redirections and
 * routes each command to its slot's master. Credentials and TLS of the URL
 * apply to every node.
 */
function connect(
  target: RedisTarget,
  options: {
    role: string;
    offlineQueue: boolean;
    maxRetriesPerRequest?: number | null;
    autoResubscribe?: boolean;
    autoPipelining?: boolean;
  },
): RedisClient {
  const common: RedisOptions = {
    connectionName: `groundwork-${options.role}`,
    ...(options.maxRetriesPerRequest === undefined ? {} : { maxRetriesPerRequest: options.maxRetriesPerRequest }),
    ...(options.autoResubscribe ? { autoResubscribe: true } : {}),
  };
  if (target.mode === 'standalone') {
    return new Redis(target.url, {
      ...common,
      enableOfflineQueue: options.offlineQueue,
      ...(options.autoPipelining ? { enableAutoPipelining: true } : {}),
    });
  }
  // Never auto-pipelined: on a cluster ioredis batches by the first key it finds, and for our scripts
  // (defineCommand without a fixed key count) it takes the key count for the key, so commands whose
  // keys live on different masters would share a batch, which then fails whole (ADR 047).
  const url = new URL(target.url);
  const clusterOptions: ClusterOptions = {
    enableOfflineQueue: options.offlineQueue,
    redisOptions: {
      ...common,
      ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
      ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
      ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
    },
  };
  return new Cluster([{ host: url.hostname, port: Number(url.port || 6379) }], clusterOptions);
}

function withErrorLogging(client: RedisClient, logger: Logger, role: string): RedisClient {
  // Without a listener ioredis prints every reconnect failure as an unhandled error event.
  client.on('error', (err) => logger.warn({ err, redis: role }, 'redis connection error'));
  return client;
}

/**
 * For request paths and producers: a command fails at once while Redis is
 * unreachable instead of queueing in memory and hanging the caller.
 * @param target a URL (one server) or `config.redis` (which says whether it is a cluster)
 * @param options.role names the connection in Redis's CLIENT LIST (`groundwork-<role>`)
 * @param options.autoPipelining on one Redis (not a cluster), the commands issued in one turn of the event
 *   loop (by every request served in it) go out in one write, ioredis's auto-pipelining (ADR 047). Not for a connection BullMQ
 *   uses: Bull's users reported jobs lost or out of place with it (OptimalBits/bull#2276, taskforcesh/bullmq#457).
 */
export function createFastFailRedis(
  target: string | RedisTarget,
  logger: Logger,
  options: { role?: string; autoPipelining?: boolean } = {},
): RedisClient {
  const role = options.role ?? 'client';
  return withErrorLogging(
    connect(asTarget(target), { ...options, role, offlineQueue: false, maxRetriesPerRequest: 1 }),
    logger,
    role,
  );
}

/** For BullMQ workers, which block on Redis and must wait through outages rather than fail. */
export function createWorkerRedis(target: string | RedisTarget, logger: Logger): RedisClient {
  return withErrorLogging(
    connect(asTarget(target), { role: 'worker', offlineQueue: true, maxRetriesPerRequest: null }),
    logger,
    'worker',
  );
}

/**
 * For pub/sub subscribers: waits through outages and re-subscribes on reconnect.
 * On a cluster, classic PUBLISH reaches every node, so one subscription on any
 * node hears all of them (ioredis moves it to another node if that one fails).
 */
export function createSubscriberRedis(target: string | RedisTarget, logger: Logger): RedisClient {
  return withErrorLogging(
    connect(asTarget(target), {
      role: 'subscriber',
      offlineQueue: true,
      autoResubscribe: true,
    }),
    logger,
    'subscriber',
  );
}

/**
 * BullMQ's key prefix for this deployment, beside the app's own keys. On a
 * cluster it is a hash tag, BullMQ's documented way of keeping each queue's
 * keys (which its scripts touch together) in one slot.
 */
export const bullPrefix = (keyPrefix: string, clustered = false) =>
  clustered ? `{${keyPrefix}:bull}` : `${keyPrefix}:bull`;

/** The slot → master map a cluster node reports, as `host:port` of each master serving slots. */
async function mastersServingSlots(cluster: Cluster): Promise<string[]> {
  const ranges = await cluster.cluster('SLOTS');
  return [...new Set(ranges.flatMap(([, , master]) => (master ? [`${master[0]}:${master[1]}`] : [])))];
}

/**
 * A cluster is usable only if it says so (cluster_state:ok: every slot served)
 * and every master serving slots answers now: cluster_state turns to fail only
 * after the node timeout, while commands for a dead master's slots fail at once.
 * The probe's own timeout bounds a PING to a master that stopped answering.
 */
async function pingCluster(cluster: Cluster): Promise<void> {
  const info = await cluster.cluster('INFO');
  const state = /cluster_state:(\w+)/.exec(String(info))?.[1];
  if (state !== 'ok') throw new Error(`redis cluster state is ${state ?? 'unknown'}`);
  const connected = new Map(cluster.nodes('master').map((node) => [`${node.options.host}:${node.options.port}`, node]));
  await Promise.all(
    (await mastersServingSlots(cluster)).map(async (address) => {
      const node = connected.get(address);
      // Node connections open on first use; one that closed is not coming back (the cluster client drops it).
      if (!node || node.status === 'end' || node.status === 'close') {
        throw new Error(`redis cluster master ${address} is not connected`);
      }
      await node.ping();
    }),
  );
}

/**
 * PING on a connection that is up; any other state fails at once, so a
 * probe never waits on (or leaves listeners behind for) a connection attempt.
 * On a cluster: the cluster's state and a PING to every master.
 */
export async function pingRedis(client: RedisClient): Promise<void> {
  if (client.status !== 'ready') throw new Error(`redis is not connected (${client.status})`);
  if (client instanceof Cluster) return pingCluster(client);
  await client.ping();
}

/**
 * QUIT (lets pending replies arrive), or a hard disconnect if Redis does not
 * answer in time: a worker connection would otherwise wait on a dead Redis forever.
 */
export async function closeRedis(client: RedisClient, timeoutMs: number): Promise<void> {
  try {
    await withTimeout(client.quit(), timeoutMs, 'redis quit');
  } catch {
    client.disconnect();
  }
}
