import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import type { Subscription } from '@groundwork/stripe-emulator';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { startTestApi, type TestApi } from '../../apps/api/src/testing/start-test-api.js';
import { billingTestConfig, startStripeEmulator, startTestWorker, type TestWorker } from '../support/billing-stack.js';
import { useTestDatabase } from '../support/use-test-database.js';
import { deliverStripeWebhook } from '../support/stripe-webhook-delivery.js';

const database = useTestDatabase();
const FIXTURES = fileURLToPath(new URL('../fixtures/stripe-events', import.meta.url));

type FixtureEvent = {
  id: string;
  type: string;
  created: number;
  livemode: boolean;
  data: { object: Record<string, unknown> };
};

/** Every real event, each under its own id (several fixtures share a placeholder id). */
const fixtures = readdirSync(FIXTURES)
  .filter((name) => name.endsWith('.json'))
  .map((name) => {
    const event = JSON.parse(readFileSync(`${FIXTURES}/${name}`, 'utf8')) as FixtureEvent;
    return { name, event: { ...event, id: `evt_fixture_${randomUUID().replaceAll('-', '')}` } };
  });

describe('real Stripe events through the webhook route and the reconciler', () => {
  let emulator: Awaited<ReturnType<typeof startStripeEmulator>>;
  let api: TestApi;
  let worker: TestWorker;
  const organizationByCustomer = new Map<string, string>();

  beforeAll(async () => {
    emulator = await startStripeEmulator();
    const config = billingTestConfig(database.url, emulator);
    api = await startTestApi(config);
    worker = await startTestWorker(config);
    // Stripe's truth for these customers: the latest version of each fixture subscription, in its own (old) shape.
    const latest = new Map<string, FixtureEvent>();
    for (const { event } of fixtures) {
      const object = event.data.object;
      if (object.object !== 'subscription') continue;
      const known = latest.get(String(object.id));
      if (!known || known.created <= event.created) latest.set(String(object.id), event);
    }
    for (const event of latest.values()) {
      emulator.state.subscriptions.set(String(event.data.object.id), event.data.object as unknown as Subscription);
      const customer = String(event.data.object.customer);
      if (organizationByCustomer.has(customer)) continue;
      const inserted: { id: string }[] = await api
        .db('organizations')
        .insert({ name: `Fixture ${customer}`, stripeCustomerId: customer })
        .returning('id');
      organizationByCustomer.set(customer, inserted[0]?.id ?? '');
    }
  });
  afterAll(async () => {
    await worker.close();
    await api.close();
    await emulator.close();
  });

  const deliver = (event: FixtureEvent) => deliverStripeWebhook(api.url, JSON.stringify(event));

  test('when every fixture is delivered newest first, then test-mode events settle, live ones are refused, and local subscriptions equal Stripe', async () => {
    const ordered = [...fixtures].sort((a, b) => b.event.created - a.event.created); // out of order on purpose
    const accepted: string[] = [];
    for (const { name, event } of ordered) {
      const response = await deliver(event);
      expect({ name, status: response.status }).toEqual({ name, status: event.livemode ? 400 : 200 });
      if (!event.livemode) accepted.push(event.id);
    }
    await worker.eventsSettled(accepted);

    const events: { id: string; status: string; lastError: string | null }[] = await api
      .db('stripeEvents')
      .whereIn('id', accepted)
      .select('id', 'status', 'lastError');
    expect(events.filter((row) => row.status !== 'processed' && row.status !== 'ignored')).toEqual([]);
    const paymentMode = fixtures.find(
      (fixture) => fixture.name === 'stripe-ruby-mock__checkout.session.completed__1.json',
    );
    expect(events.find((row) => row.id === paymentMode?.event.id)).toMatchObject({
      status: 'ignored',
      lastError: 'event names no subscription customer',
    });

    for (const truth of emulator.state.subscriptions.values()) {
      const local: { status: string; currentPeriodEnd: Date | null; organizationId: string } = await api
        .db('subscriptions')
        .where({ id: truth.id })
        .first('status', 'currentPeriodEnd', 'organizationId');
      const legacy = truth as unknown as { current_period_end: number };
      expect(local).toMatchObject({ status: truth.status, organizationId: organizationByCustomer.get(truth.customer) });
      expect(local.currentPeriodEnd?.getTime()).toBe(legacy.current_period_end * 1000);
    }
    // The documented ordering case: created, then deleted, delivered the other way round.
    const ordering: { status: string } = await api
      .db('subscriptions')
      .where({ id: 'sub_JdIzvfy6o5GZRd' })
      .first('status');
    expect(ordering.status).toBe('canceled');
  });
});
