import { describe, expect, test } from 'vitest';

import { formatReport, percentile, splitByFaultWindows } from './report.js';
import type { RoundResult } from './rounds.js';
import { seededRandom, shuffledWithDuplicates } from './storm.js';

function round(overrides: Partial<RoundResult>): RoundResult {
  return {
    name: 'round',
    fault: null,
    startedAt: 0,
    injectedAt: null,
    backAt: null,
    convergedAt: 0,
    events: 0,
    deliveries: 0,
    retries: 0,
    rejected: [],
    samples: [],
    phases: { stormMs: 0, visibleMs: 0 },
    ...overrides,
  };
}

describe('fault suite figures', () => {
  test('when asked for percentiles, then the nearest rank is returned, and 0 for no values', () => {
    const values = Array.from({ length: 100 }, (_, index) => 100 - index);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBe(0);
  });

  test('when a sample overlaps a fault window (injection to convergence), then it counts inside, otherwise outside', () => {
    const sample = (acceptedAt: number, visibleAt: number) => ({ acceptedAt, storedAt: acceptedAt, visibleAt });
    const rounds = [
      round({ samples: [sample(0, 100)] }),
      round({
        fault: 'worker SIGKILL',
        injectedAt: 1_000,
        convergedAt: 5_000,
        samples: [sample(500, 600), sample(900, 1_200), sample(4_000, 6_000)],
      }),
    ];

    const { inside, outside } = splitByFaultWindows(rounds);

    const latencies = (samples: typeof inside) => samples.map((s) => s.visibleAt - s.acceptedAt);
    expect(latencies(inside)).toEqual([300, 2_000]);
    expect(latencies(outside)).toEqual([100, 100]);
  });

  test('when the figures are formatted, then each window’s latency is also split at the moment the database held the change', () => {
    const rounds = [
      round({
        samples: [
          { acceptedAt: 0, storedAt: 30, visibleAt: 100 },
          { acceptedAt: 0, storedAt: 200, visibleAt: 210 },
        ],
      }),
    ];

    const report = formatReport(rounds, { organizations: 2, ratePerSecond: 10, processingMs: [] });

    expect(report).toContain('| outside fault windows | 2 | 100 ms | 210 ms | 210 ms |');
    expect(report).toContain('| outside fault windows | 2 | 30 ms / 200 ms | 10 ms / 70 ms |');
    expect(report).toContain('| inside fault windows | 0 | - | - |');
  });

  test('when a storm is made, then every event is in it once or twice, and the same seed gives the same storm', () => {
    const events = Array.from({ length: 200 }, (_, index) => `evt_${index}`);

    const storm = shuffledWithDuplicates(events, seededRandom(42));

    const counts = new Map<string, number>();
    for (const id of storm) counts.set(id, (counts.get(id) ?? 0) + 1);
    expect([...counts.keys()].sort()).toEqual([...events].sort());
    expect([...counts.values()].every((count) => count === 1 || count === 2)).toBe(true);
    expect([...counts.values()].some((count) => count === 2)).toBe(true);
    expect(storm).not.toEqual(events);
    expect(shuffledWithDuplicates(events, seededRandom(42))).toEqual(storm);
  });
});
