import { createLogger } from '@groundwork/core';
import type { IncomingStripeEvent, InsertedEvents } from '@groundwork/db';
import Stripe from 'stripe';
import { describe, expect, test, vi } from 'vitest';

import { createWebhookInbox, type DeliveryMeta } from './webhook-inbox.js';

const SECRET = 'whsec_inbox_unit_test';
const stripe = new Stripe('sk_test_inbox_unit');
const logger = createLogger({ service: 'test', level: 'silent' });

function signed(id: string, extra: Record<string, unknown> = {}) {
  const payload = JSON.stringify({
    id,
    object: 'event',
    type: 'customer.subscription.updated',
    api_version: '2026-10-28.endive',
    created: 1_764_500_000,
    livemode: false,
    data: { object: { id: 'sub_1', customer: 'cus_1', ...extra } },
  });
  return {
    body: Buffer.from(payload),
    signature: stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET }),
  };
}

/** An inbox over in-memory fakes of the store and the queue, recording what each batch carried. */
function inboxWith(options: {
  refuse?: string[];
  failEnqueue?: boolean;
  failStore?: boolean;
  maxBatchSize?: number;
  windowMs?: number;
}) {
  const storedIds = new Set<string>();
  const storeBatches: IncomingStripeEvent[][] = [];
  const enqueueBatches: { eventId: string; meta: DeliveryMeta }[][] = [];
  const recordEvents = vi.fn((events: IncomingStripeEvent[]): Promise<InsertedEvents> => {
    storeBatches.push(events);
    if (options.failStore) return Promise.reject(new Error('connection refused'));
    const outcome: InsertedEvents = { stored: new Set(), refused: new Map() };
    for (const event of events) {
      if (options.refuse?.includes(event.id)) outcome.refused.set(event.id, new Error('unsupported Unicode escape'));
      else if (!storedIds.has(event.id)) {
        storedIds.add(event.id);
        outcome.stored.add(event.id);
      }
    }
    return Promise.resolve(outcome);
  });
  const enqueueEvents = vi.fn((entries: { eventId: string; meta: DeliveryMeta }[]) => {
    enqueueBatches.push(entries);
    return options.failEnqueue ? Promise.reject(new Error('redis is not connected')) : Promise.resolve();
  });
  const inbox = createWebhookInbox({
    stripe,
    webhookSecret: SECRET,
    livemode: false,
    recordEvents,
    enqueueEvents,
    batching: { windowMs: options.windowMs ?? 0, maxBatchSize: options.maxBatchSize ?? 100 },
    logger,
  });
  return { inbox, storeBatches, enqueueBatches, recordEvents, enqueueEvents };
}

describe('webhook inbox batching', () => {
  test('when deliveries arrive together, then one store call and one enqueue call carry them, and each gets its own outcome', async () => {
    // Arrange
    const { inbox, storeBatches, enqueueBatches } = inboxWith({});
    const deliveries = ['evt_a', 'evt_b', 'evt_c'].map((id) => signed(id));

    // Act
    const outcomes = await Promise.all(
      deliveries.map((d, index) => inbox(d.body, d.signature, { requestId: `req-${index}` })),
    );

    // Assert
    expect(outcomes).toEqual([1, 2, 3].map(() => ({ status: 200, stored: true, queued: true })));
    expect(storeBatches.map((batch) => batch.map((event) => event.id))).toEqual([['evt_a', 'evt_b', 'evt_c']]);
    expect(enqueueBatches.map((batch) => batch.map((entry) => [entry.eventId, entry.meta.requestId]))).toEqual([
      [
        ['evt_a', 'req-0'],
        ['evt_b', 'req-1'],
        ['evt_c', 'req-2'],
      ],
    ]);
  });

  test('when the same event comes twice in one batch, then it is stored and queued once, and both deliveries get 200', async () => {
    const { inbox, storeBatches, enqueueBatches } = inboxWith({});
    const delivery = signed('evt_twice');

    const outcomes = await Promise.all([
      inbox(delivery.body, delivery.signature),
      inbox(delivery.body, delivery.signature),
    ]);

    expect(outcomes).toEqual([
      { status: 200, stored: true, queued: true },
      { status: 200, stored: false, queued: true },
    ]);
    expect(storeBatches.map((batch) => batch.map((event) => event.id))).toEqual([['evt_twice']]);
    expect(enqueueBatches.map((batch) => batch.map((entry) => entry.eventId))).toEqual([['evt_twice']]);
  });

  test('when the payload is stored, then it is the verified body itself, not a re-serialization', async () => {
    const { inbox, storeBatches } = inboxWith({});
    const delivery = signed('evt_bytes', { note: 'ünïcode and  spacing' });

    await inbox(delivery.body, delivery.signature);

    expect(storeBatches[0]?.[0]?.payloadJson).toBe(delivery.body.toString('utf8'));
  });

  test('when the store fails, then every delivery of the batch fails and nothing is queued', async () => {
    const { inbox, enqueueEvents } = inboxWith({ failStore: true });
    const deliveries = ['evt_f1', 'evt_f2'].map((id) => signed(id));

    const results = await Promise.allSettled(deliveries.map((d) => inbox(d.body, d.signature)));

    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    expect(enqueueEvents).not.toHaveBeenCalled();
  });

  test('when the database refuses one event of a batch, then only its delivery fails and the others are stored and queued', async () => {
    const { inbox, enqueueBatches } = inboxWith({ refuse: ['evt_bad'] });
    const deliveries = ['evt_good1', 'evt_bad', 'evt_good2'].map((id) => signed(id));

    const results = await Promise.allSettled(deliveries.map((d) => inbox(d.body, d.signature)));

    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(enqueueBatches.flat().map((entry) => entry.eventId)).toEqual(['evt_good1', 'evt_good2']);
  });

  test('when queueing fails, then the deliveries are still answered 200 as stored, not queued', async () => {
    const { inbox } = inboxWith({ failEnqueue: true });
    const deliveries = ['evt_q1', 'evt_q2'].map((id) => signed(id));

    const outcomes = await Promise.all(deliveries.map((d) => inbox(d.body, d.signature)));

    expect(outcomes).toEqual([
      { status: 200, stored: true, queued: false },
      { status: 200, stored: true, queued: false },
    ]);
  });

  test('when queueing hangs, then each delivery is answered within the 1 s bound, as stored but not queued', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const { inbox, enqueueEvents } = inboxWith({});
      enqueueEvents.mockImplementation(() => new Promise(() => undefined));
      const delivery = signed('evt_hang');

      const outcome = inbox(delivery.body, delivery.signature);
      await vi.waitFor(() => expect(enqueueEvents).toHaveBeenCalled());
      await vi.advanceTimersByTimeAsync(1_000);

      await expect(outcome).resolves.toEqual({ status: 200, stored: true, queued: false });
    } finally {
      vi.useRealTimers();
    }
  });

  test('when the window is long, then only the store waits for it: the enqueue starts as soon as the batch is stored', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const { inbox, recordEvents } = inboxWith({ windowMs: 1_000 });
      const delivery = signed('evt_window');

      const outcome = inbox(delivery.body, delivery.signature);
      await vi.advanceTimersByTimeAsync(999);
      const storedBeforeWindow = recordEvents.mock.calls.length;
      await vi.advanceTimersByTimeAsync(1);

      expect(storedBeforeWindow).toBe(0);
      await expect(outcome).resolves.toEqual({ status: 200, stored: true, queued: true });
    } finally {
      vi.useRealTimers();
    }
  });

  test('when more deliveries arrive than a batch may carry, then each store call carries at most the maximum', async () => {
    const { inbox, storeBatches } = inboxWith({ maxBatchSize: 2 });
    const deliveries = ['evt_m1', 'evt_m2', 'evt_m3', 'evt_m4', 'evt_m5'].map((id) => signed(id));

    await Promise.all(deliveries.map((d) => inbox(d.body, d.signature)));

    expect(storeBatches.map((batch) => batch.length)).toEqual([2, 2, 1]);
  });

  test('when the signature does not match, then nothing is stored or queued', async () => {
    const { inbox, recordEvents, enqueueEvents } = inboxWith({});
    const delivery = signed('evt_forged');

    const outcome = await inbox(Buffer.from(delivery.body.toString().replace('sub_1', 'sub_2')), delivery.signature);

    expect(outcome).toEqual({ status: 400, reason: 'signature' });
    expect(recordEvents).not.toHaveBeenCalled();
    expect(enqueueEvents).not.toHaveBeenCalled();
  });
});
