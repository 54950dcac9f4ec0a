import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';

import type { CheckoutSession, PortalSession, Price, Subscription } from './objects.js';
import type { EmulatorState } from './state.js';
import { StripeApiError } from './stripe-error.js';

/** The card Stripe's test mode suggests; any value is accepted here, as no money moves. */
const TEST_CARD = { number: '4242 4242 4242 4242', expiry: '12 / 34', cvc: '123' };

const STYLE = `
body { font: 15px/1.5 system-ui, sans-serif; margin: 0; background: #f6f9fc; color: #1a1f36; }
main { max-width: 28rem; margin: 3rem auto; background: #fff; padding: 2rem; border-radius: 8px;
       box-shadow: 0 2px 8px rgba(0,0,0,.08); }
.badge { display: inline-block; background: #ffde92; color: #7a4a00; font-size: 12px; padding: 0 .5rem;
         border-radius: 4px; text-transform: uppercase; }
label { display: block; margin: .75rem 0 .25rem; font-size: 13px; color: #4f566b; }
input, select { width: 100%; box-sizing: border-box; padding: .5rem; border: 1px solid #cfd7df; border-radius: 4px; font: inherit; }
button { margin-top: 1rem; width: 100%; padding: .6rem; border: 0; border-radius: 4px; background: #635bff; color: #fff;
         font: inherit; font-weight: 600; cursor: pointer; }
button.secondary { background: #e3e8ee; color: #1a1f36; }
.subscription { border-top: 1px solid #e3e8ee; margin-top: 1rem; padding-top: 1rem; }
a { color: #635bff; }
`;

function escapeHtml(value: string): string {
  return value.replace(
    /[&<>"']/g,
    (character) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[character] ?? character,
  );
}

function money(price: Price): string {
  return `$${(price.unit_amount / 100).toFixed(2)} / ${price.recurring.interval}`;
}

const originOf = (url: string | null) => (url ? new URL(url).origin : null);

/**
 * Its own strict policy: no script at all, the one style block by nonce, forms
 * posted to itself only and their redirects only to the site's return URLs.
 */
function sendPage(res: ServerResponse, page: { title: string; body: string; returnUrls: (string | null)[] }) {
  const { title, body } = page;
  const nonce = randomBytes(16).toString('base64');
  const formTargets = ["'self'", ...new Set(page.returnUrls.map(originOf).filter((origin) => origin !== null))];
  res.writeHead(200, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-security-policy': `default-src 'none'; style-src 'nonce-${nonce}'; img-src data:; form-action ${formTargets.join(' ')}; frame-ancestors 'none'; base-uri 'none'`,
    'x-content-type-options': 'nosniff',
  });
  res.end(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><link rel="icon" href="data:,">` +
      `<title>${escapeHtml(title)} · Stripe emulator</title><style nonce="${nonce}">${STYLE}</style></head>` +
      `<body><main><span class="badge">Test mode · local emulator</span>${body}</main></body></html>`,
  );
}

function redirect(res: ServerResponse, location: string) {
  res.writeHead(303, { location, 'cache-control': 'no-store' });
  res.end();
}

function checkoutPage(session: CheckoutSession, price: Price | undefined): string {
  if (session.status !== 'open') {
    return `<h1>Checkout</h1><p>This Checkout Session is ${escapeHtml(session.status)}.</p>`;
  }
  const action = `/checkout/${session.id}`;
  return (
    `<h1>Subscribe</h1><p>${escapeHtml(price?.product ?? session.line_items_price)}: ` +
    `<strong>${price ? money(price) : ''}</strong></p>` +
    `<form method="post" action="${action}/pay">` +
    `<label for="card">Card number</label><input id="card" name="card" value="${TEST_CARD.number}" autocomplete="off">` +
    `<label for="expiry">Expiry</label><input id="expiry" name="expiry" value="${TEST_CARD.expiry}">` +
    `<label for="cvc">CVC</label><input id="cvc" name="cvc" value="${TEST_CARD.cvc}">` +
    `<button type="submit">Pay</button></form>` +
    `<form method="post" action="${action}/cancel"><button class="secondary" type="submit">Cancel</button></form>`
  );
}

function subscriptionForm(portalId: string, subscription: Subscription, prices: Price[]): string {
  const item = subscription.items.data[0];
  const action = `/portal/${portalId}/subscriptions/${subscription.id}`;
  const periodEnd = item ? new Date(item.current_period_end * 1000).toISOString().slice(0, 10) : '';
  const options = prices
    .map(
      (price) =>
        `<option value="${price.id}"${price.id === item?.price.id ? ' selected' : ''}>` +
        `${escapeHtml(price.product)} · ${money(price)}</option>`,
    )
    .join('');
  const cancelOrResume = subscription.cancel_at_period_end
    ? `<p>Cancels on ${periodEnd}.</p><form method="post" action="${action}/resume"><button type="submit">Resume subscription</button></form>`
    : `<form method="post" action="${action}/cancel"><button class="secondary" type="submit">Cancel at period end</button></form>`;
  return (
    `<section class="subscription"><p><strong>${escapeHtml(item?.price.product ?? '')}</strong> · ` +
    `${escapeHtml(subscription.status)} · renews ${periodEnd}</p>` +
    `<form method="post" action="${action}/change-plan"><label for="price-${subscription.id}">Plan</label>` +
    `<select id="price-${subscription.id}" name="price">${options}</select>` +
    `<button type="submit">Change plan</button></form>${cancelOrResume}</section>`
  );
}

function portalPage(state: EmulatorState, portal: PortalSession): string {
  const subscriptions = state.listSubscriptions({ customer: portal.customer });
  const prices = [...state.prices.values()];
  const list = subscriptions.map((subscription) => subscriptionForm(portal.id, subscription, prices)).join('');
  return (
    `<h1>Billing</h1>${list || '<p>No active subscription.</p>'}` +
    (portal.return_url ? `<p><a href="${escapeHtml(portal.return_url)}">Return to the site</a></p>` : '')
  );
}

/** Stripe replaces this placeholder in a success URL with the session's id. */
function successUrl(session: CheckoutSession): string {
  return session.success_url.replaceAll('{CHECKOUT_SESSION_ID}', session.id);
}

/**
 * The hosted pages a person clicks through: Checkout (Pay or Cancel) and the
 * Customer Portal (change plan, cancel at period end, resume). Each action
 * changes the state exactly as the /_emulator endpoints do, so the same
 * signed webhooks go out, then redirects as Stripe would. Returns false when
 * the request is not for a page.
 */
export function handlePage(
  state: EmulatorState,
  request: { method: string; path: string; form: Record<string, unknown> },
  res: ServerResponse,
): boolean {
  const { method, path, form } = request;
  let match = /^\/checkout\/([\w-]+)$/.exec(path);
  if (match && method === 'GET') {
    const session = state.retrieveCheckoutSession(match[1] ?? '');
    sendPage(res, {
      title: 'Checkout',
      body: checkoutPage(session, state.prices.get(session.line_items_price)),
      returnUrls: [session.success_url, session.cancel_url],
    });
    return true;
  }
  match = /^\/checkout\/([\w-]+)\/(pay|cancel)$/.exec(path);
  if (match && method === 'POST') {
    const session = state.retrieveCheckoutSession(match[1] ?? '');
    if (match[2] === 'pay') {
      state.completeCheckout(session.id);
      redirect(res, successUrl(session));
    } else {
      redirect(res, session.cancel_url ?? successUrl(session));
    }
    return true;
  }
  match = /^\/portal\/([\w-]+)$/.exec(path);
  if (match && method === 'GET') {
    const portal = state.portalSessions.get(match[1] ?? '');
    if (!portal) throw StripeApiError.missing('billing_portal.session', match[1] ?? '');
    sendPage(res, { title: 'Billing', body: portalPage(state, portal), returnUrls: [portal.return_url] });
    return true;
  }
  match = /^\/portal\/([\w-]+)\/subscriptions\/([\w-]+)\/(change-plan|cancel|resume)$/.exec(path);
  if (match && method === 'POST') {
    const portal = state.portalSessions.get(match[1] ?? '');
    if (!portal) throw StripeApiError.missing('billing_portal.session', match[1] ?? '');
    const subscription = state.retrieveSubscription(match[2] ?? '');
    if (subscription.customer !== portal.customer) throw StripeApiError.missing('subscription', subscription.id);
    const action = match[3];
    if (action === 'change-plan')
      state.updateSubscription(subscription.id, { priceId: typeof form.price === 'string' ? form.price : '' });
    else state.updateSubscription(subscription.id, { cancelAtPeriodEnd: action === 'cancel' });
    redirect(res, portal.return_url ?? `/portal/${portal.id}`);
    return true;
  }
  return false;
}
