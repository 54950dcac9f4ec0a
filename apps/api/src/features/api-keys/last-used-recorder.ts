import { type Logger, periodicFlush } from '@groundwork/core';
import type { ApiKeyRepository } from '@groundwork/db';

/**
 * Remembers the latest use of each key in memory and writes them in one
 * statement every few seconds, so using a key costs no write per call.
 * A failed flush keeps the times for the next one.
 */
export function createLastUsedRecorder(deps: {
  apiKeys: Pick<ApiKeyRepository, 'touchLastUsed'>;
  flushIntervalMs: number;
  logger: Logger;
}) {
  let pending = new Map<string, number>();

  const keepLatest = (into: Map<string, number>, id: string, at: number) => {
    if ((into.get(id) ?? 0) < at) into.set(id, at);
  };

  async function flush(): Promise<void> {
    if (pending.size === 0) return;
    const batch = pending;
    pending = new Map();
    try {
      await deps.apiKeys.touchLastUsed([...batch].map(([id, at]) => ({ id, at: new Date(at) })));
    } catch (err) {
      for (const [id, at] of batch) keepLatest(pending, id, at);
      deps.logger.error({ err }, 'could not record API keys last use; will retry');
    }
  }

  return {
    record(apiKeyId: string, at: number): void {
      keepLatest(pending, apiKeyId, at);
    },
    flush,
    ...periodicFlush(flush, deps.flushIntervalMs),
  };
}

export type LastUsedRecorder = ReturnType<typeof createLastUsedRecorder>;
