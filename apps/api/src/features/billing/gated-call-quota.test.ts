import { AppError, createLogger } from '@groundwork/core';
import { describe, expect, test } from 'vitest';

import { createGatedCallQuota, type QuotaExchange } from './gated-call-quota.js';

const logger = createLogger({ service: 'test', level: 'silent' });
const LIMIT = 3;

/** An exchange in memory with the Redis exchange's meaning: one absolute count per instance, summed. */
function memoryExchange() {
  const fields = new Map<string, Map<string, number>>();
  let instances = 0;
  return {
    fields,
    forInstance(): QuotaExchange {
      const instance = `instance-${(instances += 1)}`;
      return async (day, ownCounts) => {
        const totals = new Map<string, number>();
        for (const [organizationId, count] of ownCounts) {
          const key = `${day}:${organizationId}`;
          const hash = fields.get(key) ?? new Map<string, number>();
          hash.set(instance, count);
          fields.set(key, hash);
          totals.set(
            organizationId,
            [...hash.values()].reduce((sum, value) => sum + value, 0),
          );
        }
        return totals;
      };
    },
  };
}

function clock(iso: string) {
  let at = Date.parse(iso);
  return { now: () => at, set: (next: string) => (at = Date.parse(next)) };
}

function refusal(take: () => void): AppError {
  try {
    take();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected the call to be refused');
}

describe('the daily limit of plan-gated calls', () => {
  test('when an organization reaches its limit, then the next call is refused with RATE_LIMITED, the limit, the calls counted and the next UTC midnight', () => {
    const time = clock('2026-11-30T22:30:00Z');
    const quota = createGatedCallQuota({
      exchange: memoryExchange().forInstance(),
      syncIntervalMs: 1_000,
      logger,
      now: time.now,
    });

    for (let call = 0; call < LIMIT; call += 1) quota.take('org-1', LIMIT);
    const error = refusal(() => quota.take('org-1', LIMIT));
    const again = refusal(() => quota.take('org-1', LIMIT));

    expect(error.code).toBe('RATE_LIMITED');
    expect(error.details).toEqual({
      quota: 'gatedCallsPerDay',
      limit: LIMIT,
      used: LIMIT,
      resetsAt: '2026-12-01T00:00:00.000Z',
      retryAfterSeconds: 5_400,
    });
    // A refused call is not counted.
    expect(again.details?.used).toBe(LIMIT);
    expect(() => quota.take('org-2', LIMIT)).not.toThrow();
  });

  test('when the UTC day changes, then the organization has its whole limit again', () => {
    const time = clock('2026-11-30T23:59:59Z');
    const quota = createGatedCallQuota({
      exchange: memoryExchange().forInstance(),
      syncIntervalMs: 1_000,
      logger,
      now: time.now,
    });
    for (let call = 0; call < LIMIT; call += 1) quota.take('org-1', LIMIT);
    expect(() => quota.take('org-1', LIMIT)).toThrow(AppError);

    time.set('2026-12-01T00:00:00Z');

    for (let call = 0; call < LIMIT; call += 1) quota.take('org-1', LIMIT);
    expect(() => quota.take('org-1', LIMIT)).toThrow(AppError);
  });

  test('when the exchange fails, then calls are still served up to the limit on local counts and the sync does not reject', async () => {
    const quota = createGatedCallQuota({
      exchange: () => Promise.reject(new Error('Redis is down')),
      syncIntervalMs: 1_000,
      logger,
    });

    quota.take('org-1', LIMIT);
    await quota.sync();
    quota.take('org-1', LIMIT);
    quota.take('org-1', LIMIT);
    await quota.sync();

    expect(() => quota.take('org-1', LIMIT)).toThrow(AppError);
  });

  test('when the exchange answers less than was known (Redis lost its data), then what was known still counts', async () => {
    const time = clock('2026-11-30T10:00:00Z');
    let lostData = false;
    const exchange: QuotaExchange = async (_day, ownCounts) =>
      new Map([...ownCounts].map(([organizationId, own]) => [organizationId, lostData ? 1 : own + 5]));
    const quota = createGatedCallQuota({ exchange, syncIntervalMs: 1_000, logger, now: time.now });
    quota.take('org-1', 10);
    await quota.sync(); // 1 own + 5 of another instance

    lostData = true;
    quota.take('org-1', 10);
    await quota.sync();

    for (let call = 0; call < 3; call += 1) quota.take('org-1', 10);
    const error = refusal(() => quota.take('org-1', 10));
    expect(error.details?.used).toBe(10);
  });

  test('when an instance first syncs an organization, then the day’s stored count is its floor, asked once', async () => {
    const time = clock('2026-11-30T10:00:00Z');
    const asked: [string, string[]][] = [];
    const quota = createGatedCallQuota({
      // Redis lost its data and the instances that made the calls are gone: only usage_daily remembers.
      exchange: memoryExchange().forInstance(),
      readStoredCounts: async (day, organizationIds) => {
        asked.push([day, organizationIds]);
        return new Map([['org-1', 7]]);
      },
      syncIntervalMs: 1_000,
      logger,
      now: time.now,
    });

    quota.take('org-1', 10);
    await quota.sync();
    quota.take('org-1', 10);
    await quota.sync();

    expect(asked).toEqual([['2026-11-30', ['org-1']]]);
    // 7 stored (which may hold this instance's first call) and the second call: 8, so two more.
    quota.take('org-1', 10);
    quota.take('org-1', 10);
    expect(() => quota.take('org-1', 10)).toThrow(AppError);
  });
});
