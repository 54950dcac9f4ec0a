import { createServer, type RequestListener, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type RunningServer = {
  port: number;
  /**
   * Stops accepting connections and lets in-flight requests finish; keep-alive
   * connections are closed as soon as their current response is done. Whatever
   * is still open after `timeoutMs` is cut, so shutdown is always bounded.
   */
  close: (timeoutMs: number) => Promise<void>;
};

/** Starts listening; resolves once bound (port 0 picks a free port, as tests do). */
export async function listen(
  app: RequestListener,
  options: { host: string; port: number; keepAliveTimeoutMs: number },
): Promise<RunningServer> {
  const inFlight = new Set<ServerResponse>();
  let closing = false;
  const server = createServer(app);
  server.keepAliveTimeout = options.keepAliveTimeoutMs;
  // Must exceed keepAliveTimeout, or Node may cut a connection a proxy is about to reuse.
  server.headersTimeout = options.keepAliveTimeoutMs + 1_000;
  server.on('request', (_req, res: ServerResponse) => {
    inFlight.add(res);
    res.once('close', () => {
      inFlight.delete(res);
      // The connection is idle again: during shutdown, close it rather than keep it alive.
      if (closing) server.closeIdleConnections();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });

  return {
    port: (server.address() as AddressInfo).port,
    close: (timeoutMs) =>
      new Promise((resolve) => {
        closing = true;
        for (const res of inFlight) {
          if (!res.headersSent) res.setHeader('connection', 'close');
        }
        const forceTimer = setTimeout(() => server.closeAllConnections(), timeoutMs);
        server.close(() => {
          clearTimeout(forceTimer);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}
