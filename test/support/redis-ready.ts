import { once } from 'node:events';

import type { RedisClient } from '@groundwork/queue';

/** Resolves once the client is connected; fast-fail clients refuse commands until then. */
export async function redisReady<TClient extends RedisClient>(client: TClient): Promise<TClient> {
  if (client.status !== 'ready') await once(client, 'ready');
  return client;
}
