import { createLogger } from '@groundwork/core';
import type { UsageIncrement } from '@groundwork/db';
import { describe, expect, test } from 'vitest';

import { createUsageRecorder } from './usage-recorder.js';

const logger = createLogger({ service: 'test', level: 'silent' });
const at = new Date('2026-11-29T10:00:00Z');

describe('usage recorder', () => {
  test('when calls are recorded, then one flush writes one summed row per organization, day and metric', async () => {
    const written: UsageIncrement[][] = [];
    const recorder = createUsageRecorder({
      usage: { add: async (rows) => void written.push(rows) },
      flushIntervalMs: 1_000,
      logger,
    });

    for (let call = 0; call < 5; call += 1) recorder.record('org-1', 'gated_calls', at);
    recorder.record('org-2', 'gated_calls', at);
    await recorder.flush();
    await recorder.flush();

    expect(written).toEqual([
      [
        { organizationId: 'org-1', day: '2026-11-29', metric: 'gated_calls', count: 5 },
        { organizationId: 'org-2', day: '2026-11-29', metric: 'gated_calls', count: 1 },
      ],
    ]);
  });

  test('when a write fails, then the counts are kept and added to the next flush', async () => {
    let fail = true;
    const written: UsageIncrement[][] = [];
    const recorder = createUsageRecorder({
      usage: {
        add: async (rows) => {
          if (fail) throw new Error('database down');
          written.push(rows);
        },
      },
      flushIntervalMs: 1_000,
      logger,
    });

    recorder.record('org-1', 'gated_calls', at);
    await recorder.flush();
    recorder.record('org-1', 'gated_calls', at);
    expect(recorder.pendingCount('org-1', '2026-11-29')).toBe(2);
    fail = false;
    await recorder.flush();

    expect(written).toEqual([[{ organizationId: 'org-1', day: '2026-11-29', metric: 'gated_calls', count: 2 }]]);
  });
});
