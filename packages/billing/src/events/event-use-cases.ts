import type { Logger } from '@groundwork/core';
import type { IncomingStripeEvent, InsertedEvents, StripeEventRepository, StripeEventStatus } from '@groundwork/db';

import type { EventOutcome, StripeEventProcessor } from './event-processor.js';

/** What replaying one stored event did: processed it again, or found it settled (or missing: null). */
export type ReplayOutcome =
  { replayed: true; outcome: EventOutcome } | { replayed: false; status: StripeEventStatus | null };

/**
 * The webhook inbox's use cases for the webhook, the worker's jobs and the
 * operators' commands: they name what they do, so no caller reaches for the
 * repository behind them.
 */
export function createEventUseCases(deps: {
  events: StripeEventRepository;
  processEvent: StripeEventProcessor;
  logger: Logger;
}) {
  const { events } = deps;
  return {
    /** Stores verified events, each once by its id: which were stored now, and any the database refused. */
    recordIncomingEvents: (incoming: IncomingStripeEvent[]): Promise<InsertedEvents> =>
      events.insertManyIfNew(incoming),

    /** The dead-letter state: retries are exhausted; `billing:replay` re-drives it. */
    markEventFailed: (eventId: string, error: string): Promise<void> => events.markFailed(eventId, error),

    /** When the oldest event still waiting to be processed arrived (null: none waits): the inbox lag. */
    oldestPendingEventAt: (): Promise<Date | null> => events.oldestPendingReceivedAt(),

    /** Events in the dead-letter state, oldest first. */
    listFailedEventIds: (limit?: number): Promise<string[]> => events.listFailedIds(limit),

    /**
     * Puts stored but unprocessed events received before `olderThan` (back) on
     * the queue through `enqueue`. Queueing one twice is harmless (job id =
     * event id, and a processed event is a no-op).
     *
     * @returns how many were queued
     */
    async sweepPendingEvents(options: {
      olderThan: Date;
      limit?: number;
      enqueue: (eventId: string) => Promise<unknown>;
    }): Promise<number> {
      const ids = await events.listPendingIds(options.olderThan, options.limit);
      for (const id of ids) await options.enqueue(id);
      if (ids.length > 0) deps.logger.info({ count: ids.length }, 'swept stored stripe events onto the queue');
      return ids.length;
    },

    /**
     * Processes a failed (or pending) event again, here and now. An event that
     * fails again goes back to the dead-letter state with its error, and the
     * error is rethrown.
     */
    async replayEvent(eventId: string): Promise<ReplayOutcome> {
      try {
        if (!(await events.resetToPending(eventId))) {
          const event = await events.findById(eventId);
          return { replayed: false, status: event?.status ?? null };
        }
        return { replayed: true, outcome: await deps.processEvent(eventId) };
      } catch (error) {
        await events.markFailed(eventId, error instanceof Error ? error.message : String(error));
        throw error;
      }
    },
  };
}
