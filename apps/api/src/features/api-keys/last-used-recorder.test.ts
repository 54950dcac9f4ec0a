import { createLogger } from '@groundwork/core';
import { describe, expect, test } from 'vitest';

import { createLastUsedRecorder } from './last-used-recorder.js';

const logger = createLogger({ service: 'test', level: 'silent' });
type Use = { id: string; at: Date };

describe('API key last-use recorder', () => {
  test('when a key is used many times, then one flush writes only its latest time, once', async () => {
    const written: Use[][] = [];
    const recorder = createLastUsedRecorder({
      apiKeys: { touchLastUsed: async (uses) => void written.push(uses) },
      flushIntervalMs: 1_000,
      logger,
    });

    recorder.record('key-1', 3_000);
    recorder.record('key-1', 5_000);
    recorder.record('key-1', 4_000);
    recorder.record('key-2', 1_000);
    await recorder.flush();
    await recorder.flush();

    expect(written).toEqual([
      [
        { id: 'key-1', at: new Date(5_000) },
        { id: 'key-2', at: new Date(1_000) },
      ],
    ]);
  });

  test('when a flush fails, then its times are kept and the next flush writes the latest of old and new', async () => {
    const written: Use[][] = [];
    let failing = true;
    const recorder = createLastUsedRecorder({
      apiKeys: {
        touchLastUsed: async (uses) => {
          if (failing) throw new Error('database down');
          written.push(uses);
        },
      },
      flushIntervalMs: 1_000,
      logger,
    });

    recorder.record('key-1', 5_000);
    recorder.record('key-2', 2_000);
    await recorder.flush();
    failing = false;
    recorder.record('key-1', 4_000);
    await recorder.flush();

    expect(written).toEqual([
      [
        { id: 'key-1', at: new Date(5_000) },
        { id: 'key-2', at: new Date(2_000) },
      ],
    ]);
  });
});
