import { type Logger, periodicFlush } from '@groundwork/core';
import type { UsageIncrement, UsageRepository } from '@groundwork/db';

export const GATED_CALLS_METRIC = 'gated_calls';

const today = (at: Date) => at.toISOString().slice(0, 10);

/**
 * Counts usage in memory and writes it in one statement every few seconds,
 * so recording a gated call costs no I/O on the request path.
 */
export function createUsageRecorder(deps: {
  usage: Pick<UsageRepository, 'add'>;
  flushIntervalMs: number;
  logger: Logger;
}) {
  let pending = new Map<string, UsageIncrement>();

  async function flush(): Promise<void> {
    if (pending.size === 0) return;
    const batch = pending;
    pending = new Map();
    try {
      await deps.usage.add([...batch.values()]);
    } catch (err) {
      // Keep the counts for the next flush rather than losing them.
      for (const [key, increment] of batch) {
        const current = pending.get(key);
        pending.set(key, current ? { ...current, count: current.count + increment.count } : increment);
      }
      deps.logger.error({ err }, 'could not write usage counts; will retry');
    }
  }

  return {
    record(organizationId: string, metric = GATED_CALLS_METRIC, at = new Date()): void {
      const day = today(at);
      const key = `${organizationId}|${day}|${metric}`;
      const current = pending.get(key);
      if (current) current.count += 1;
      else pending.set(key, { organizationId, day, metric, count: 1 });
    },
    /** Counted but not yet written, so reads can include it. */
    pendingCount(organizationId: string, day: string, metric = GATED_CALLS_METRIC): number {
      return pending.get(`${organizationId}|${day}|${metric}`)?.count ?? 0;
    },
    flush,
    ...periodicFlush(flush, deps.flushIntervalMs),
  };
}

export type UsageRecorder = ReturnType<typeof createUsageRecorder>;
