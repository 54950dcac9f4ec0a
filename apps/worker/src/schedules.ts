import { setTimeout as delay } from 'node:timers/promises';

import type { housekeepingQueue, Producer } from '@groundwork/queue';

/**
 * Registers the recurring jobs, retrying until Redis accepts them. Upserting
 * by a fixed id is idempotent, so every worker instance does it at start-up
 * without creating duplicates.
 */
export async function upsertSchedules(
  housekeeping: Producer<typeof housekeepingQueue>,
  heartbeatIntervalMs: number,
  retry: { retryDelayMs: number; shouldStop: () => boolean; onRetry: (err: unknown) => void },
): Promise<void> {
  while (!retry.shouldStop()) {
    try {
      await housekeeping.queue.upsertJobScheduler(
        'worker-heartbeat',
        { every: heartbeatIntervalMs },
        { name: 'heartbeat', data: { task: 'heartbeat' } },
      );
      return;
    } catch (err) {
      retry.onRetry(err);
      await delay(retry.retryDelayMs, undefined, { ref: false });
    }
  }
}
