import { setTimeout as delay } from 'node:timers/promises';

import type { Logger } from '@groundwork/core';
import type { billingQueue, housekeepingQueue, Producer } from '@groundwork/queue';
import type { RedisClient } from '@groundwork/queue';

type ScheduleProducers = { housekeeping: Producer<typeof housekeepingQueue>; billing: Producer<typeof billingQueue> };
type ScheduleIntervals = {
  heartbeatIntervalMs: number;
  eventSweepIntervalMs: number;
  resyncIntervalMs: number;
  emailOutboxSweepIntervalMs: number;
};

function scheduleList(producers: ScheduleProducers, intervals: ScheduleIntervals) {
  return [
    {
      queue: producers.housekeeping.queue,
      id: 'worker-heartbeat',
      every: intervals.heartbeatIntervalMs,
      template: { name: 'heartbeat', data: { task: 'heartbeat' } },
    },
    {
      queue: producers.billing.queue,
      id: 'stripe-event-sweeper',
      every: intervals.eventSweepIntervalMs,
      template: { name: 'sweep-events', data: { task: 'sweep-events' } },
    },
    {
      // The event sweeper's cadence: both re-drive billing work whose job was lost.
      queue: producers.billing.queue,
      id: 'organization-deletion-sweeper',
      every: intervals.eventSweepIntervalMs,
      template: { name: 'sweep-organization-deletions', data: { task: 'sweep-organization-deletions' } },
    },
    {
      queue: producers.billing.queue,
      id: 'billing-resync',
      every: intervals.resyncIntervalMs,
      template: { name: 'resync-all', data: { task: 'resync-all' } },
    },
    {
      queue: producers.housekeeping.queue,
      id: 'email-outbox-sweeper',
      every: intervals.emailOutboxSweepIntervalMs,
      template: { name: 'sweep-email-outbox', data: { task: 'sweep-email-outbox' } },
    },
    {
      // The outbox's cadence: both re-drive mail whose enqueue was lost.
      queue: producers.housekeeping.queue,
      id: 'password-reset-request-sweeper',
      every: intervals.emailOutboxSweepIntervalMs,
      template: { name: 'sweep-password-reset-requests', data: { task: 'sweep-password-reset-requests' } },
    },
  ];
}

/**
 * Registers the schedules Redis does not hold; returns the ids it had to
 * register. Only missing ones are upserted: upserting an existing scheduler
 * would push its next run back, so a check more frequent than the sweep
 * interval would keep the sweep from ever running.
 */
export async function ensureSchedules(producers: ScheduleProducers, intervals: ScheduleIntervals): Promise<string[]> {
  const registered: string[] = [];
  for (const schedule of scheduleList(producers, intervals)) {
    if (await schedule.queue.getJobScheduler(schedule.id)) continue;
    await schedule.queue.upsertJobScheduler(schedule.id, { every: schedule.every }, schedule.template);
    registered.push(schedule.id);
  }
  return registered;
}

export type ScheduleKeeper = {
  /** Resolves once the schedules were registered the first time (or the keeper stopped). */
  readonly registered: Promise<void>;
  stop: () => void;
};

/**
 * Keeps the recurring jobs registered for as long as the worker runs. They
 * live in Redis, so a Redis that restarts without persistence, fails over to
 * an empty replica or is flushed loses them, and with them the sweeper the
 * webhook and the e-mail outbox rely on. The keeper looks again after every reconnect and every
 * `checkIntervalMs`; when it had to register a schedule after the first
 * time, Redis lost its data, and `onDataLoss` re-drives what was lost with it.
 */
export function keepSchedules(options: {
  producers: ScheduleProducers;
  intervals: ScheduleIntervals;
  /** The worker's connection, whose reconnects prompt an immediate check. */
  connection: RedisClient;
  checkIntervalMs: number;
  retryDelayMs: number;
  onDataLoss: (lost: string[]) => Promise<void>;
  logger: Logger;
}): ScheduleKeeper {
  let stopped = false;
  let checking: Promise<void> | null = null;
  let timer: NodeJS.Timeout | undefined;

  async function check(): Promise<void> {
    try {
      const lost = await ensureSchedules(options.producers, options.intervals);
      if (lost.length === 0) return;
      options.logger.warn({ schedules: lost }, 'schedules were missing from Redis (data lost?): registered again');
      await options.onDataLoss(lost);
    } catch (err) {
      options.logger.warn({ err }, 'checking the schedules failed; will look again');
    }
  }

  // One check at a time: a reconnect during a periodic check joins it.
  function checkOnce(): Promise<void> {
    checking ??= check().finally(() => (checking = null));
    return checking;
  }

  const onReady = () => void checkOnce();

  const registered = (async () => {
    while (!stopped) {
      try {
        await ensureSchedules(options.producers, options.intervals);
        break;
      } catch (err) {
        options.logger.warn({ err }, 'could not register schedules yet; retrying');
        await delay(options.retryDelayMs, undefined, { ref: false });
      }
    }
    if (stopped) return;
    options.connection.on('ready', onReady);
    timer = setInterval(onReady, options.checkIntervalMs);
    timer.unref();
  })();

  return {
    registered,
    stop() {
      stopped = true;
      clearInterval(timer);
      options.connection.off('ready', onReady);
    },
  };
}
