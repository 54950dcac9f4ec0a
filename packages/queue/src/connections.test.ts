import { createLogger } from '@groundwork/core';
import type { Cluster, Redis } from 'ioredis';
import { describe, expect, test } from 'vitest';

import { createFastFailRedis } from './connections.js';

const silent = createLogger({ service: 'test', level: 'silent' });
// Nothing listens there: the clients are only made and closed.
const NOWHERE = 'redis://127.0.0.1:1';

describe('createFastFailRedis', () => {
  test('when auto-pipelining is asked for on one Redis, then the client pipelines', () => {
    const client = createFastFailRedis(NOWHERE, silent, { autoPipelining: true }) as Redis;
    client.disconnect();

    expect(client.options.enableAutoPipelining).toBe(true);
  });

  test('when auto-pipelining is asked for on a cluster, then the client does not: ioredis would batch our scripts by their key count (ADR 047)', () => {
    const client = createFastFailRedis({ url: NOWHERE, mode: 'cluster' }, silent, { autoPipelining: true }) as Cluster;
    client.disconnect();

    expect(client.options.enableAutoPipelining).not.toBe(true);
    expect(client.options.redisOptions?.enableAutoPipelining).not.toBe(true);
  });
});
