import { once } from 'node:events';

import type { Redis } from 'ioredis';

/** Resolves once the client is connected; fast-fail clients refuse commands until then. */
export async function redisReady(client: Redis): Promise<Redis> {
  if (client.status !== 'ready') await once(client, 'ready');
  return client;
}
