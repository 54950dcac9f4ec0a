/** Stripe event types that can change what an organization is entitled to. Anything else is stored and ignored. */
export const HANDLED_EVENT_TYPES = new Set([
  'checkout.session.completed',
  'customer.subscription.created',
  'customer.subscription.updated',
  'customer.subscription.deleted',
  'customer.subscription.paused',
  'customer.subscription.resumed',
  'customer.subscription.trial_will_end',
  'invoice.paid',
  'invoice.payment_succeeded',
  'invoice.payment_failed',
  'invoice.payment_action_required',
]);

/**
 * Handled types whose whole handling is "sync the customer the event names":
 * a sync whose Stripe read starts after such an event was stored settles it
 * too (ADR 033). A completed checkout also links the customer to its
 * organization, so it always runs on its own.
 */
export const SETTLED_BY_A_LATER_SYNC: readonly string[] = [...HANDLED_EVENT_TYPES].filter(
  (type) => type !== 'checkout.session.completed',
);

type EventObject = Record<string, unknown>;

/**
 * The Stripe customer an event is about, or null. Checkout sessions that did
 * not start a subscription (payment or setup mode) grant nothing and name none.
 */
export function customerOfEvent(type: string, object: EventObject): string | null {
  if (type === 'checkout.session.completed' && object.mode !== 'subscription') return null;
  const customer = object.customer;
  if (typeof customer === 'string') return customer;
  if (customer && typeof customer === 'object' && typeof (customer as EventObject).id === 'string') {
    return (customer as { id: string }).id;
  }
  return null;
}

/** The organization a completed checkout was for (we put it in client_reference_id and metadata). */
export function organizationOfCheckout(object: EventObject): string | null {
  const reference = object.client_reference_id;
  if (typeof reference === 'string') return reference;
  const metadata = object.metadata as Record<string, unknown> | null | undefined;
  return typeof metadata?.organizationId === 'string' ? metadata.organizationId : null;
}
