import { setTimeout as delay } from 'node:timers/promises';

import type { billingQueue, housekeepingQueue, Producer } from '@groundwork/queue';

/**
 * Registers the recurring jobs, retrying until Redis accepts them. Upserting
 * by a fixed id is idempotent, so every worker instance does it at start-up
 * without creating duplicates.
 */
export async function upsertSchedules(
  producers: { housekeeping: Producer<typeof housekeepingQueue>; billing: Producer<typeof billingQueue> },
  intervals: { heartbeatIntervalMs: number; eventSweepIntervalMs: number; resyncIntervalMs: number },
  retry: { retryDelayMs: number; shouldStop: () => boolean; onRetry: (err: unknown) => void },
): Promise<void> {
  while (!retry.shouldStop()) {
    try {
      await producers.housekeeping.queue.upsertJobScheduler(
        'worker-heartbeat',
        { every: intervals.heartbeatIntervalMs },
        { name: 'heartbeat', data: { task: 'heartbeat' } },
      );
      await producers.billing.queue.upsertJobScheduler(
        'stripe-event-sweeper',
        { every: intervals.eventSweepIntervalMs },
        { name: 'sweep-events', data: { task: 'sweep-events' } },
      );
      await producers.billing.queue.upsertJobScheduler(
        'billing-resync',
        { every: intervals.resyncIntervalMs },
        { name: 'resync-all', data: { task: 'resync-all' } },
      );
      return;
    } catch (err) {
      retry.onRetry(err);
      await delay(retry.retryDelayMs, undefined, { ref: false });
    }
  }
}
