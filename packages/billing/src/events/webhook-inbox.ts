import { currentTraceCarrier, groupCommit, type Logger, type TraceCarrier, withTimeout } from '@groundwork/core';
import type { IncomingStripeEvent, InsertedEvents } from '@groundwork/db';
import type Stripe from 'stripe';

export type InboxOutcome =
  { status: 400; reason: 'signature' | 'livemode' } | { status: 200; stored: boolean; queued: boolean };

/** What the worker's job carries besides the event id, so its logs and trace follow the delivery. */
export type DeliveryMeta = { requestId?: string; trace: TraceCarrier };

/** How concurrent deliveries share one insert and one enqueue (ADR 032). */
export type InboxBatching = { windowMs: number; maxBatchSize: number };

/** A hung Redis must not hold Stripe's request past its timeout; the sweeper covers what is not queued. */
const ENQUEUE_BOUND_MS = 1_000;

/**
 * The webhook endpoint's logic: verify the signature on the raw body, store
 * the event durably (once per id), then queue it. A stored event is answered
 * 200 even if queueing fails (the sweeper picks it up); a failed insert throws,
 * so Stripe gets a 5xx and retries.
 *
 * Concurrent deliveries are grouped (ADR 032): one multi-row insert stores a
 * batch and one bulk add queues it, while each delivery still awaits its own
 * outcome; a failed insert fails every delivery of its batch.
 */
export function createWebhookInbox(deps: {
  stripe: Stripe;
  webhookSecret: string;
  livemode: boolean;
  /** Stores each event once by its id: the ids stored now (not already there), and any the database refused. */
  recordEvents: (events: IncomingStripeEvent[]) => Promise<InsertedEvents>;
  /** Queues the events (job id = event id); rejects if any was not queued. */
  enqueueEvents: (entries: { eventId: string; meta: DeliveryMeta }[]) => Promise<unknown>;
  batching: InboxBatching;
  logger: Logger;
}) {
  const store = groupCommit<IncomingStripeEvent, { stored: boolean } | { refused: Error }>({
    ...deps.batching,
    async commit(events) {
      const { stored, refused } = await deps.recordEvents(uniqueById(events, (event) => event.id));
      // A duplicate within the batch is answered like any duplicate: stored once, by its first delivery.
      const answered = new Set<string>();
      return events.map((event) => {
        const error = refused.get(event.id);
        if (error) return { refused: error };
        const first = !answered.has(event.id);
        answered.add(event.id);
        return { stored: first && stored.has(event.id) };
      });
    },
  });
  const queue = groupCommit<{ eventId: string; meta: DeliveryMeta }, void>({
    // No window of its own: a stored batch arrives here together, and a window would eat into the 1 s bound.
    maxBatchSize: deps.batching.maxBatchSize,
    windowMs: 0,
    async commit(entries) {
      // Bounded here too, so a hung add frees the next batch's turn; a late add is harmless (job id = event id).
      await withTimeout(
        deps.enqueueEvents(uniqueById(entries, (entry) => entry.eventId)),
        ENQUEUE_BOUND_MS,
        'enqueue stripe events',
      );
      return entries.map(() => undefined);
    },
  });

  return async function receive(
    rawBody: Buffer,
    signature: string | undefined,
    meta: { requestId?: string } = {},
  ): Promise<InboxOutcome> {
    let event: Stripe.Event;
    try {
      // Default tolerance (300 s): stale or replayed deliveries fail here too.
      event = deps.stripe.webhooks.constructEvent(rawBody, signature ?? '', deps.webhookSecret);
    } catch (err) {
      deps.logger.warn({ err: (err as Error).message }, 'stripe webhook rejected: bad signature');
      return { status: 400, reason: 'signature' };
    }
    if (event.livemode !== deps.livemode) {
      deps.logger.warn({ eventId: event.id, livemode: event.livemode }, 'stripe webhook rejected: wrong mode');
      return { status: 400, reason: 'livemode' };
    }
    const outcome = await store.submit({
      id: event.id,
      type: event.type,
      apiVersion: event.api_version ?? null,
      livemode: event.livemode,
      created: event.created,
      // The verified bytes as they came: the database parses them once, nothing stringifies them again.
      payloadJson: rawBody.toString('utf8'),
    });
    // Not stored, so Stripe must get a 5xx and retry, as for any failed insert.
    if ('refused' in outcome) throw outcome.refused;
    // Captured here, in this delivery's span: the batch's add runs in whichever context scheduled it.
    const deliveryMeta: DeliveryMeta = { ...meta, trace: currentTraceCarrier() };
    let queued = false;
    try {
      await withTimeout(
        queue.submit({ eventId: event.id, meta: deliveryMeta }),
        ENQUEUE_BOUND_MS,
        'enqueue stripe event',
      );
      queued = true;
    } catch (err) {
      deps.logger.warn({ err, eventId: event.id }, 'stripe event stored but not queued; the sweeper will queue it');
    }
    return { status: 200, stored: outcome.stored, queued };
  };
}

function uniqueById<T>(items: T[], idOf: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const id = idOf(item);
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

export type WebhookInbox = ReturnType<typeof createWebhookInbox>;
