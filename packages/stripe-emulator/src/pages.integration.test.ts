import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { startStripeEmulator, type StripeEmulator } from './server.js';

const APP = 'http://localhost:5173';

/** A form post as a browser sends it; redirects are returned, not followed. */
async function submit(url: string, fields: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
  return { status: response.status, location: response.headers.get('location') };
}

describe('the emulator’s Checkout and Customer Portal pages', () => {
  let emulator: StripeEmulator;
  beforeAll(async () => {
    emulator = await startStripeEmulator();
  });
  afterAll(async () => {
    await emulator.close();
  });

  function openCheckout() {
    const customer = emulator.state.createCustomer({ metadata: { organizationId: 'org_1' } });
    const session = emulator.state.createCheckoutSession({
      mode: 'subscription',
      customer: customer.id,
      line_items: [{ price: 'price_pro_monthly' }],
      success_url: `${APP}/billing/success?session_id={CHECKOUT_SESSION_ID}`,
      cancel_url: `${APP}/billing`,
    });
    return { customer, session };
  }

  test('when the checkout page is opened, then it shows the price and the prefilled test card under a strict policy', async () => {
    const { session } = openCheckout();

    const response = await fetch(session.url ?? '');
    const html = await response.text();

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(html).toContain('value="4242 4242 4242 4242"');
    expect(html).toContain('$29.00 / month');
    expect(html).toMatch(/<button type="submit">Pay<\/button>/);
    const policy = response.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain(`form-action 'self' ${APP}`);
  });

  test('when Pay is pressed, then the subscription starts, its events are announced, and the browser goes to the success URL with the session id', async () => {
    const { customer, session } = openCheckout();

    const reply = await submit(`${emulator.url}/checkout/${session.id}/pay`, { card: '4242 4242 4242 4242' });

    expect(reply).toEqual({ status: 303, location: `${APP}/billing/success?session_id=${session.id}` });
    expect(emulator.state.retrieveCheckoutSession(session.id).status).toBe('complete');
    const [subscription] = emulator.state.listSubscriptions({ customer: customer.id });
    expect(subscription?.status).toBe('active');
    const types = emulator.state.events.map((event) => event.type);
    expect(types).toEqual(expect.arrayContaining(['customer.subscription.created', 'checkout.session.completed']));
  });

  test('when Cancel is pressed, then nothing is bought and the browser goes to the cancel URL', async () => {
    const { session } = openCheckout();

    const reply = await submit(`${emulator.url}/checkout/${session.id}/cancel`);

    expect(reply).toEqual({ status: 303, location: `${APP}/billing` });
    expect(emulator.state.retrieveCheckoutSession(session.id).status).toBe('open');
  });

  test('when the portal is used to change plan, cancel at period end and resume, then each changes the subscription, announces it and returns to the site', async () => {
    const { customer, session } = openCheckout();
    await submit(`${emulator.url}/checkout/${session.id}/pay`);
    const portal = emulator.state.createPortalSession({ customer: customer.id, return_url: `${APP}/billing` });
    const [subscription] = emulator.state.listSubscriptions({ customer: customer.id });
    const action = `${emulator.url}/portal/${portal.id}/subscriptions/${subscription?.id ?? ''}`;
    const page = await (await fetch(portal.url)).text();
    expect(page).toContain('Cancel at period end');
    const eventsBefore = emulator.state.events.length;

    const changed = await submit(`${action}/change-plan`, { price: 'price_business_monthly' });
    const canceled = await submit(`${action}/cancel`);
    const pageWhileCanceling = await (await fetch(portal.url)).text();
    const resumed = await submit(`${action}/resume`);

    for (const reply of [changed, canceled, resumed])
      expect(reply).toEqual({ status: 303, location: `${APP}/billing` });
    expect(pageWhileCanceling).toContain('Resume subscription');
    const now = emulator.state.retrieveSubscription(subscription?.id ?? '');
    expect(now.items.data[0]?.price.id).toBe('price_business_monthly');
    expect(now.cancel_at_period_end).toBe(false);
    expect(emulator.state.events.slice(eventsBefore).map((event) => event.type)).toEqual([
      'customer.subscription.updated',
      'customer.subscription.updated',
      'customer.subscription.updated',
    ]);
  });

  test('when a page names a session that does not exist, then it answers 404', async () => {
    expect((await fetch(`${emulator.url}/checkout/cs_test_missing`)).status).toBe(404);
    expect((await submit(`${emulator.url}/portal/bps_missing/subscriptions/sub_x/cancel`)).status).toBe(404);
  });
});
