import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { Express } from 'express';

/** Starts listening; resolves with the bound port (useful with port 0 in tests). */
export async function listen(
  app: Express,
  options: { host: string; port: number; keepAliveTimeoutMs: number },
): Promise<{ server: Server; port: number }> {
  const server = createServer(app);
  server.keepAliveTimeout = options.keepAliveTimeoutMs;
  // Must exceed keepAliveTimeout, or Node may cut a connection a proxy is about to reuse.
  server.headersTimeout = options.keepAliveTimeoutMs + 1_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return { server, port: (server.address() as AddressInfo).port };
}

/**
 * Stops accepting connections, lets in-flight requests finish, and cuts
 * whatever is still open after `timeoutMs` so shutdown is always bounded.
 */
export function closeServer(server: Server, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const forceTimer = setTimeout(() => server.closeAllConnections(), timeoutMs);
    server.close(() => {
      clearTimeout(forceTimer);
      resolve();
    });
    server.closeIdleConnections();
  });
}
