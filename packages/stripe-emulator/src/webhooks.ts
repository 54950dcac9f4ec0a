import Stripe from 'stripe';

import { type StripeEvent, type Subscription, toLegacyShape } from './objects.js';

export type ShapeVersion = 'current' | 'legacy';
export type Delivery = { eventId: string; type: string; status: number | 'error' };

// Only used to sign payloads; it never calls Stripe.
const signer = new Stripe('sk_test_emulator_signer');

/** The event as an endpoint on the chosen API version would receive it. */
export function presentEvent(event: StripeEvent, shape: ShapeVersion): StripeEvent {
  if (shape === 'current') return event;
  const object = event.data.object as { object?: string };
  if (object.object !== 'subscription') return { ...event, api_version: '2024-06-20' };
  return {
    ...event,
    api_version: '2024-06-20',
    data: { ...event.data, object: toLegacyShape(object as Subscription) },
  };
}

/**
 * Delivers events to the webhook endpoint, signed as Stripe signs them. In
 * "immediate" mode each event is sent as it happens, in order; in "manual"
 * mode events wait for `flush`, which can shuffle and duplicate them.
 */
export class WebhookSender {
  private chain: Promise<unknown> = Promise.resolve();
  private readonly held: StripeEvent[] = [];
  readonly deliveries: Delivery[] = [];

  constructor(
    private target: { url: string; secret: string } | null,
    private readonly mode: 'immediate' | 'manual',
    private readonly shape: () => ShapeVersion,
  ) {}

  setTarget(target: { url: string; secret: string } | null) {
    this.target = target;
  }

  accept(event: StripeEvent): void {
    if (this.mode === 'manual') {
      this.held.push(event);
      return;
    }
    this.chain = this.chain.then(() => this.send(event));
  }

  /** Sends held events, optionally shuffled and with some sent twice; resolves when all were answered. */
  async flush(options: { shuffle?: boolean; duplicate?: boolean; random?: () => number } = {}): Promise<Delivery[]> {
    const random = options.random ?? Math.random;
    let batch = this.held.splice(0);
    if (options.duplicate) batch = batch.flatMap((event) => (random() < 0.5 ? [event, event] : [event]));
    if (options.shuffle) {
      for (let index = batch.length - 1; index > 0; index -= 1) {
        const other = Math.floor(random() * (index + 1));
        [batch[index], batch[other]] = [batch[other] as StripeEvent, batch[index] as StripeEvent];
      }
    }
    const results: Delivery[] = [];
    for (const event of batch) results.push(await this.send(event));
    return results;
  }

  /** Resolves once every event accepted so far in immediate mode has been delivered. */
  async settled(): Promise<void> {
    await this.chain;
  }

  async send(event: StripeEvent): Promise<Delivery> {
    const delivery: Delivery = { eventId: event.id, type: event.type, status: 'error' };
    if (this.target) {
      const payload = JSON.stringify(presentEvent(event, this.shape()));
      const signature = signer.webhooks.generateTestHeaderString({ payload, secret: this.target.secret });
      try {
        const response = await fetch(this.target.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'stripe-signature': signature },
          body: payload,
        });
        await response.arrayBuffer();
        delivery.status = response.status;
      } catch {
        delivery.status = 'error';
      }
    }
    this.deliveries.push(delivery);
    return delivery;
  }
}
