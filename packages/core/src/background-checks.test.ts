import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';

import { startBackgroundChecks } from './background-checks.js';
import { createLogger } from './logger.js';
import { createReadinessProbe } from './readiness.js';

const silent = createLogger({ service: 'test', level: 'silent' });

describe('background checks', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  test('when a gating check is not ok, then the probe is unready; when a non-gating one is degraded, it only reports it', async () => {
    const background = startBackgroundChecks(
      {
        migrations: { run: async () => 'pending: 1_a.ts', gating: true, intervalMs: 1_000 },
        stripe: { run: async () => 'degraded: unreachable', gating: false, intervalMs: 1_000 },
      },
      { timeoutMs: 100, logger: silent },
    );
    const probe = createReadinessProbe({ db: async () => undefined }, { timeoutMs: 100, logger: silent, background });

    const report = await probe();

    expect(report).toEqual({
      ok: false,
      checks: { db: 'ok', migrations: 'pending: 1_a.ts', stripe: 'degraded: unreachable' },
    });
    background.stop();
  });

  test('when only a non-gating check is degraded, then the probe is ready', async () => {
    const background = startBackgroundChecks(
      { stripe: { run: async () => 'degraded: invalid API key', gating: false, intervalMs: 1_000 } },
      { timeoutMs: 100, logger: silent },
    );
    const probe = createReadinessProbe({}, { timeoutMs: 100, logger: silent, background });
    await vi.advanceTimersByTimeAsync(0);

    expect(await probe()).toEqual({ ok: true, checks: { stripe: 'degraded: invalid API key' } });
    background.stop();
  });

  test('when an until-ok check turns ok, then it runs no more, and the probe never runs it itself', async () => {
    const states = ['pending: 1_a.ts', 'pending: 1_a.ts', 'ok'];
    let runs = 0;
    const background = startBackgroundChecks(
      { migrations: { run: async () => states[runs++] ?? 'ok', gating: true, intervalMs: 1_000, untilOk: true } },
      { timeoutMs: 100, logger: silent },
    );
    const probe = createReadinessProbe({}, { timeoutMs: 100, logger: silent, cacheMs: 0, background });

    const first = await probe();
    await vi.advanceTimersByTimeAsync(1_000);
    const second = await probe();
    await vi.advanceTimersByTimeAsync(1_000);
    const third = await probe();
    await vi.advanceTimersByTimeAsync(10_000);
    for (let call = 0; call < 5; call += 1) await probe();

    expect([first.ok, second.ok, third.ok]).toEqual([false, false, true]);
    expect(runs).toBe(3);
  });

  test('when a run hangs, then the state is failed after the timeout and no second run starts until it settles', async () => {
    let runs = 0;
    let finish: (state: string) => void = () => undefined;
    const background = startBackgroundChecks(
      {
        stripe: {
          run: () => {
            runs += 1;
            return new Promise<string>((resolve) => (finish = resolve));
          },
          gating: false,
          intervalMs: 50,
        },
      },
      { timeoutMs: 100, logger: silent },
    );

    await vi.advanceTimersByTimeAsync(1_000);
    const whileHung = background.states();
    finish('ok');
    await vi.advanceTimersByTimeAsync(50);

    expect(whileHung).toEqual({ stripe: { state: 'failed', gating: false } });
    expect(runs).toBe(2);
    background.stop();
  });

  test('when stopped, then no further run starts', async () => {
    let runs = 0;
    const background = startBackgroundChecks(
      { stripe: { run: async () => `degraded: ${++runs}`, gating: false, intervalMs: 100 } },
      { timeoutMs: 100, logger: silent },
    );
    await vi.advanceTimersByTimeAsync(250);
    const before = runs;

    background.stop();
    await vi.advanceTimersByTimeAsync(1_000);

    expect(before).toBe(3);
    expect(runs).toBe(before);
  });

  test('when a state changes, then a gating problem is logged as an error with the state, and recovery as info', async () => {
    const lines: { level: string; msg: string; state?: string }[] = [];
    const logger = createLogger({ service: 'test', level: 'info' }, {
      write: (line: string) => lines.push(JSON.parse(line) as (typeof lines)[number]),
    } as unknown as NodeJS.WritableStream);
    let applied = false;
    const background = startBackgroundChecks(
      {
        migrations: {
          run: async () => (applied ? 'ok' : 'pending: 2_b.ts'),
          gating: true,
          intervalMs: 100,
          untilOk: true,
        },
      },
      { timeoutMs: 100, logger },
    );
    await vi.advanceTimersByTimeAsync(250);
    applied = true;
    await vi.advanceTimersByTimeAsync(100);

    expect(lines.map(({ level, msg }) => ({ level, msg }))).toEqual([
      { level: 'error', msg: 'migrations check: pending: 2_b.ts' },
      { level: 'info', msg: 'migrations check: ok' },
    ]);
    background.stop();
  });
});
