import type { IncomingStripeEvent } from '@groundwork/db';
import type { StripeEvent } from '@groundwork/stripe-emulator';
import type Stripe from 'stripe';

/** An emulator event as the webhook inbox stores it (what `recordIncomingEvents` takes). */
export function incomingEventOf(event: StripeEvent): IncomingStripeEvent {
  return {
    id: event.id,
    type: event.type,
    apiVersion: event.api_version,
    livemode: false,
    created: event.created,
    payloadJson: JSON.stringify(event),
  };
}

/**
 * A Stripe client whose subscription reads take their answer, say so (`hasRead`), then hold it
 * until `release()`: a sync stalled between its Stripe read and its write, so a test can change
 * Stripe or run another sync in between (ADRs 020, 033, 041).
 */
export function heldStripe(stripe: Stripe) {
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let readDone: () => void = () => undefined;
  const hasRead = new Promise<void>((resolve) => (readDone = resolve));
  const client = {
    ...stripe,
    subscriptions: {
      list: (...args: Parameters<Stripe['subscriptions']['list']>) => {
        const answer = stripe.subscriptions.list(...args).autoPagingToArray({ limit: 100 });
        return {
          async *[Symbol.asyncIterator]() {
            const items = await answer;
            readDone();
            await gate;
            yield* items;
          },
        };
      },
    },
  } as unknown as Stripe;
  return { client, hasRead, release };
}
