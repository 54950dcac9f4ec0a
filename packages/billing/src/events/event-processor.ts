import { AppError, type Logger } from '@groundwork/core';
import type { OrganizationRepository, StripeEventRepository } from '@groundwork/db';

import type { CustomerSync } from '../sync/customer-sync.js';
import { customerOfEvent, HANDLED_EVENT_TYPES, organizationOfCheckout } from './event-types.js';

export type EventOutcome = 'processed' | 'ignored' | 'already-done';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Handles one stored Stripe event. The event is only a trigger: the customer's
 * subscriptions are re-read from Stripe and the event is marked processed in
 * the same transaction, so repeating it (or any other) changes nothing more.
 */
export function createStripeEventProcessor(deps: {
  events: StripeEventRepository;
  organizations: Pick<OrganizationRepository, 'linkStripeCustomer' | 'findByStripeCustomerId'>;
  syncCustomer: CustomerSync;
  /** What the sync calls after its commit (never rejects); called again here when a retried job finds its event done. */
  onEntitlementsChanged: (organizationId: string) => Promise<void>;
  logger: Logger;
}) {
  /**
   * The sync announces a change after its commit, so a run that ended between the two (its worker
   * killed, or its connection lost with the commit's reply in flight) left every API instance's cached
   * entitlements stale until their TTL (60 s by default), and the job's next run finds its event
   * processed (ADRs 050, 051). Announcing again costs a lookup and a publish, only for retried jobs.
   */
  async function announceAgain(event: { type: string; payload: { data: { object: Record<string, unknown> } } }) {
    const customerId = customerOfEvent(event.type, event.payload.data.object);
    const organization = customerId ? await deps.organizations.findByStripeCustomerId(customerId) : undefined;
    if (!organization) return;
    await deps.onEntitlementsChanged(organization.id);
  }

  /**
   * @param options.retried the job ran before without completing (its worker died, or the attempt
   * failed): that run may have committed this event's sync without announcing it
   */
  return async function processStripeEvent(
    eventId: string,
    options: { retried?: boolean } = {},
  ): Promise<EventOutcome> {
    const event = await deps.events.startAttempt(eventId);
    if (!event) throw new AppError('NOT_FOUND', `Stripe event ${eventId} is not in the inbox`);
    if (event.status === 'processed' || event.status === 'ignored') {
      if (options.retried && event.status === 'processed') await announceAgain(event);
      return 'already-done';
    }

    if (!HANDLED_EVENT_TYPES.has(event.type)) {
      await deps.events.markIgnored(eventId, `event type ${event.type} is not handled`);
      return 'ignored';
    }
    const object = event.payload.data.object;
    const customerId = customerOfEvent(event.type, object);
    if (!customerId) {
      await deps.events.markIgnored(eventId, 'event names no subscription customer');
      return 'ignored';
    }
    if (event.type === 'checkout.session.completed') {
      // A customer created by Checkout itself: link it to the organization it was for.
      const organizationId = organizationOfCheckout(object);
      if (organizationId && UUID.test(organizationId))
        await deps.organizations.linkStripeCustomer(organizationId, customerId);
    }
    const result = await deps.syncCustomer(customerId, { eventId });
    if (!result) {
      await deps.events.markIgnored(eventId, `customer ${customerId} belongs to no organization`);
      return 'ignored';
    }
    return 'processed';
  };
}

export type StripeEventProcessor = ReturnType<typeof createStripeEventProcessor>;
