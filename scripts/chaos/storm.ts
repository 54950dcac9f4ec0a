import { createHmac } from 'node:crypto';
import { Agent, request } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';

import type { StripeEvent } from '@groundwork/stripe-emulator';

export type Target = { name: string; url: string };
export type Acceptance = { eventId: string; at: number; target: string; attempts: number };

/** A small seeded generator, so a run's storm order can be told apart and repeated. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Every event once, half of them twice, in a shuffled order: what Stripe's at-least-once, unordered delivery allows. */
export function shuffledWithDuplicates<T>(items: T[], random: () => number): T[] {
  const batch = items.flatMap((item) => (random() < 0.5 ? [item, item] : [item]));
  for (let index = batch.length - 1; index > 0; index -= 1) {
    const other = Math.floor(random() * (index + 1));
    [batch[index], batch[other]] = [batch[other] as T, batch[index] as T];
  }
  return batch;
}

/** Stripe's v1 signature over `timestamp.payload` with the endpoint's secret. */
function signature(payload: string, secret: string): string {
  const timestamp = Math.floor(Date.now() / 1000);
  const digest = createHmac('sha256', secret).update(`${timestamp}.${payload}`).digest('hex');
  return `t=${timestamp},v1=${digest}`;
}

const agent = new Agent({ keepAlive: true, maxSockets: 32 });

/** POSTs one signed delivery; `onWritten` runs once the whole request is on the wire, before any answer. */
function post(target: Target, body: { payload: string; secret: string }, onWritten: () => void): Promise<number> {
  return new Promise((resolve) => {
    const req = request(
      `${target.url}/webhooks/stripe`,
      {
        method: 'POST',
        agent,
        timeout: 15_000,
        headers: { 'content-type': 'application/json', 'stripe-signature': signature(body.payload, body.secret) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', () => resolve(0));
      },
    );
    req.on('finish', onWritten);
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
    req.end(body.payload);
  });
}

export type StormOptions = {
  batch: StripeEvent[];
  targets: Target[];
  secret: string;
  ratePerSecond: number;
  onAccepted: (acceptance: Acceptance) => void;
  /** After each request is written and before its answer: where an API is killed mid-delivery. */
  onWritten?: (target: Target, eventId: string) => void;
};

/**
 * Delivers a batch at a steady rate, alternating between the APIs as a load
 * balancer would, and like Stripe retries every delivery that is not answered
 * 2xx (a 5xx, a refused or cut connection) until it is, each retry on the
 * other API and with a short backoff (Stripe's own is hours; the suite has
 * minutes). A 4xx is a bug, not an outage: it is counted, not retried.
 * The pace is a deliberate rate, not a wait for something to happen.
 */
export async function deliverStorm(
  options: StormOptions,
): Promise<{ deliveries: number; retries: number; rejected: string[] }> {
  const figures = { deliveries: 0, retries: 0, rejected: [] as string[] };
  const started = performance.now();
  const inFlight = new Set<Promise<void>>();

  async function deliver(event: StripeEvent, index: number): Promise<void> {
    const payload = JSON.stringify(event);
    for (let attempt = 0; ; attempt += 1) {
      const target = options.targets[(index + attempt) % options.targets.length] as Target;
      const status = await post(target, { payload, secret: options.secret }, () =>
        options.onWritten?.(target, event.id),
      );
      figures.deliveries += 1;
      if (status >= 200 && status < 300) {
        options.onAccepted({ eventId: event.id, at: performance.now(), target: target.name, attempts: attempt + 1 });
        return;
      }
      if (status >= 400 && status < 500) {
        figures.rejected.push(`${event.id} → ${target.name}: ${status}`);
        return;
      }
      figures.retries += 1;
      await delay(Math.min(2_000, 100 * 2 ** attempt));
    }
  }

  for (const [index, event] of options.batch.entries()) {
    const due = started + (index * 1000) / options.ratePerSecond;
    const wait = due - performance.now();
    if (wait > 0) await delay(wait);
    const delivery = deliver(event, index).finally(() => inFlight.delete(delivery));
    inFlight.add(delivery);
  }
  await Promise.all(inFlight);
  return figures;
}
