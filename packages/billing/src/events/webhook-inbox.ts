import { type Logger, withTimeout } from '@groundwork/core';
import type { IncomingStripeEvent } from '@groundwork/db';
import type Stripe from 'stripe';

export type InboxOutcome =
  { status: 400; reason: 'signature' | 'livemode' } | { status: 200; stored: boolean; queued: boolean };

/**
 * The webhook endpoint's logic: verify the signature on the raw body, store
 * the event durably (once per id), then queue it. A stored event is answered
 * 200 even if queueing fails (the sweeper picks it up); a failed insert throws,
 * so Stripe gets a 5xx and retries.
 */
export function createWebhookInbox(deps: {
  stripe: Stripe;
  webhookSecret: string;
  livemode: boolean;
  /** Stores the event once by its id; false when it was already stored. */
  recordEvent: (event: IncomingStripeEvent) => Promise<boolean>;
  enqueue: (eventId: string, meta: { requestId?: string }) => Promise<unknown>;
  logger: Logger;
}) {
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
    const stored = await deps.recordEvent({
      id: event.id,
      type: event.type,
      apiVersion: event.api_version ?? null,
      livemode: event.livemode,
      created: event.created,
      payload: event,
    });
    let queued = false;
    try {
      // Bounded: a hung Redis must not hold Stripe's request past its timeout. A late add is
      // harmless (job id = event id) and the sweeper covers a lost one.
      await withTimeout(deps.enqueue(event.id, meta), 1_000, 'enqueue stripe event');
      queued = true;
    } catch (err) {
      deps.logger.warn({ err, eventId: event.id }, 'stripe event stored but not queued; the sweeper will queue it');
    }
    return { status: 200, stored, queued };
  };
}

export type WebhookInbox = ReturnType<typeof createWebhookInbox>;
