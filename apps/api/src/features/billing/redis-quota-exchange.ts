import type { RedisClient } from '@groundwork/queue';

import type { QuotaExchange } from './gated-call-quota.js';

/** Kept past the end of its UTC day, so a late write or read still finds it, then dropped by Redis. */
const KEY_TTL_SECONDS = 2 * 86_400;

/**
 * The quota's meeting point in Redis: one hash per organization and UTC day,
 * one field per API instance holding that instance's count of the day. The
 * instance writes its absolute count (HSET, not HINCRBY), so a retried or
 * repeated write never counts twice and, after Redis lost its data, the next
 * write of every live instance puts its share back. The total is the sum of
 * the fields; all organizations go in one pipeline: one round trip per sync.
 * The day is the keys' hash tag, so on a Redis Cluster that pipeline stays on
 * one node (ADR 027): a day's keys share a slot, days spread over the masters.
 */
export function createRedisQuotaExchange(deps: {
  redis: RedisClient;
  keyPrefix: string;
  instanceId: string;
}): QuotaExchange {
  const keyOf = (day: string, organizationId: string) => `${deps.keyPrefix}:gated-calls:{${day}}:${organizationId}`;
  return async (day, ownCounts) => {
    const pipeline = deps.redis.pipeline();
    const organizationIds = [...ownCounts.keys()];
    for (const organizationId of organizationIds) {
      const key = keyOf(day, organizationId);
      pipeline.hset(key, deps.instanceId, ownCounts.get(organizationId) ?? 0);
      pipeline.expire(key, KEY_TTL_SECONDS);
      pipeline.hvals(key);
    }
    const results = (await pipeline.exec()) ?? [];
    const failed = results.find(([err]) => err);
    if (failed?.[0]) throw failed[0];
    const totals = new Map<string, number>();
    organizationIds.forEach((organizationId, index) => {
      const values = (results[index * 3 + 2]?.[1] ?? []) as string[];
      totals.set(
        organizationId,
        values.reduce((sum, value) => sum + Number(value), 0),
      );
    });
    return totals;
  };
}
