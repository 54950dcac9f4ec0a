import { describe, expect, test } from 'vitest';

import { createLogger } from './logger.js';
import { checkReadiness, createReadinessProbe } from './readiness.js';

const silent = createLogger({ service: 'test', level: 'silent' });

describe('checkReadiness', () => {
  test('when every check resolves, then the report is ok for each', async () => {
    const report = await checkReadiness(
      { a: async () => 1, b: async () => 'PONG' },
      { timeoutMs: 100, logger: silent },
    );

    expect(report).toEqual({ ok: true, checks: { a: 'ok', b: 'ok' } });
  });

  test('when one check throws and one hangs, then both are failed and the healthy one is still ok', async () => {
    const report = await checkReadiness(
      {
        healthy: async () => undefined,
        throwing: () => {
          throw new Error('sync failure');
        },
        hanging: () => new Promise(() => undefined),
      },
      { timeoutMs: 20, logger: silent },
    );

    expect(report).toEqual({ ok: false, checks: { healthy: 'ok', throwing: 'failed', hanging: 'failed' } });
  });

  test('when the probe is called many times at once and again right after, then the checks run once', async () => {
    let runs = 0;
    const probe = createReadinessProbe(
      { db: async () => void (runs += 1) },
      { timeoutMs: 100, logger: silent, cacheMs: 60_000 },
    );

    const reports = await Promise.all(Array.from({ length: 20 }, () => probe()));
    await probe();

    expect(runs).toBe(1);
    expect(reports.every((report) => report.ok)).toBe(true);
  });

  test('when the cache time has passed, then the checks run again', async () => {
    let runs = 0;
    const probe = createReadinessProbe(
      { db: async () => void (runs += 1) },
      { timeoutMs: 100, logger: silent, cacheMs: 0 },
    );

    await probe();
    await probe();

    expect(runs).toBe(2);
  });

  test('when a check failed, then its result is reused only briefly, so a process that just connected turns ready at once', async () => {
    let connected = false;
    let runs = 0;
    const probe = createReadinessProbe(
      {
        redis: async () => {
          runs += 1;
          if (!connected) throw new Error('not connected yet');
        },
      },
      { timeoutMs: 100, logger: silent, cacheMs: 60_000, failureCacheMs: 0 },
    );

    const before = await probe();
    connected = true;
    const after = await probe();
    const cached = await probe();

    expect([before.ok, after.ok, cached.ok]).toEqual([false, true, true]);
    expect(runs).toBe(2);
  });
});
