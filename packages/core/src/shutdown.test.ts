import { describe, expect, test } from 'vitest';

import { createLogger } from './logger.js';
import { createShutdown } from './shutdown.js';

const silent = createLogger({ service: 'test', level: 'silent' });

describe('createShutdown', () => {
  test('when run, then steps run once each, in order, even if run is called again', async () => {
    const calls: string[] = [];
    const shutdown = createShutdown({
      logger: silent,
      timeoutMs: 1_000,
      steps: ['http', 'redis', 'postgres'].map((name) => ({ name, run: async () => void calls.push(name) })),
    });

    await Promise.all([shutdown.run('SIGTERM'), shutdown.run('SIGINT')]);

    expect(calls).toEqual(['http', 'redis', 'postgres']);
    expect(shutdown.started).toBe(true);
  });

  test('when a step fails, then the later steps still run', async () => {
    const calls: string[] = [];
    const shutdown = createShutdown({
      logger: silent,
      timeoutMs: 1_000,
      steps: [
        { name: 'broken', run: () => Promise.reject(new Error('boom')) },
        { name: 'postgres', run: async () => void calls.push('postgres') },
      ],
    });

    await shutdown.run('test');

    expect(calls).toEqual(['postgres']);
  });

  test('when a step never finishes, then shutdown still completes once the budget is spent', async () => {
    const calls: string[] = [];
    const shutdown = createShutdown({
      logger: silent,
      timeoutMs: 50,
      steps: [
        { name: 'stuck', run: () => new Promise(() => undefined) },
        { name: 'postgres', run: async () => void calls.push('postgres') },
      ],
    });

    await shutdown.run('test');

    expect(calls).toEqual(['postgres']);
  });
});
