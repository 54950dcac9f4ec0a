import { once } from 'node:events';
import { createServer } from 'node:net';

import { TEST_REDIS_URL } from './test-env.js';

/**
 * A Redis URL whose server accepts connections and drops them at once: Redis
 * down as a client sees it, without stopping the Redis other tests share.
 */
export async function deadRedisUrl() {
  const server = createServer((socket) => socket.destroy());
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = new URL(TEST_REDIS_URL);
  url.port = String((server.address() as { port: number }).port);
  return { url: url.toString(), close: () => server.close() };
}
