import type { ServerResponse } from 'node:http';

/**
 * Aborts when the connection closes before the response was sent: the client has gone. Work
 * for it is not started (password hashing), and tRPC's own signal for the call follows it.
 */
export function clientGoneSignal(res: ServerResponse): AbortSignal {
  const controller = new AbortController();
  if (res.closed && !res.writableFinished) controller.abort();
  else res.once('close', () => !res.writableFinished && controller.abort());
  return controller.signal;
}
