import { createLogger, withTimeout } from '@groundwork/core';
import { createFastFailRedis, type RedisClient } from '@groundwork/queue';
import { Cluster, type Redis } from 'ioredis';

import { redisReady } from './redis-ready.js';
import { TEST_REDIS } from './test-env.js';

const silent = createLogger({ service: 'test-redis', level: 'silent' });

/**
 * A ready connection to the suite's Redis, one server or a cluster as
 * TEST_REDIS_MODE says, made by the product's factory (fails fast, as the
 * API's does). Fails instead of waiting when Redis does not answer.
 */
export async function connectTestRedis(role = 'test'): Promise<RedisClient> {
  const client = createFastFailRedis(TEST_REDIS, silent, { role });
  try {
    return await withTimeout(redisReady(client), 10_000, `the test Redis (${TEST_REDIS.mode}, ${TEST_REDIS.url})`);
  } catch (error) {
    client.disconnect();
    throw error;
  }
}

/** The servers holding keys: the one server, or every master of a cluster (SCAN sees one node's keys only). */
function keyHolders(client: RedisClient): Redis[] {
  return client instanceof Cluster ? client.nodes('master') : [client];
}

/** The keys matching a glob pattern, on every master; SCAN, never KEYS: the Redis may be shared with other runs. */
export async function keysMatching(client: RedisClient, pattern: string): Promise<string[]> {
  const found: string[] = [];
  for (const node of keyHolders(client)) {
    for await (const keys of node.scanStream({ match: pattern, count: 1_000 }) as AsyncIterable<string[]>) {
      found.push(...keys);
    }
  }
  return found;
}

/**
 * Every key under a prefix: the app's own (`<prefix>:…`) and BullMQ's, which
 * a cluster deployment hash-tags (`{<prefix>:bull}:…`, ADR 027).
 */
export async function keysWithPrefix(client: RedisClient, prefix: string): Promise<string[]> {
  return [...(await keysMatching(client, `${prefix}*`)), ...(await keysMatching(client, `{${prefix}*`))];
}

/**
 * Deletes the keys: at once on one server; one UNLINK per key on a cluster,
 * where a command may not name keys of different slots (CROSSSLOT).
 */
export async function deleteKeys(client: RedisClient, keys: readonly string[]): Promise<void> {
  if (keys.length === 0) return;
  if (client instanceof Cluster) await Promise.all(keys.map((key) => client.unlink(key)));
  else await client.unlink(...keys);
}

/** Removes every key under each prefix (see `keysWithPrefix`) and returns the keys it removed. */
export async function removeKeysWithPrefixes(prefixes: string[]): Promise<string[]> {
  if (prefixes.length === 0) return [];
  const redis = await connectTestRedis('test-cleanup');
  const removed: string[] = [];
  try {
    for (const prefix of prefixes) {
      const keys = await keysWithPrefix(redis, prefix);
      await deleteKeys(redis, keys);
      removed.push(...keys);
    }
  } finally {
    redis.disconnect();
  }
  return removed;
}
