import { nowSeconds, stripeId } from './ids.js';
import type {
  CheckoutSession,
  Customer,
  Metadata,
  PortalSession,
  Price,
  StripeEvent,
  Subscription,
  SubscriptionStatus,
} from './objects.js';
import { StripeApiError } from './stripe-error.js';

export const EMULATED_API_VERSION = '2026-10-28.endive';
const DAY = 86_400;

export type PriceSeed = { id: string; interval: 'month' | 'year'; unitAmount: number; product?: string };

export const DEFAULT_PRICES: PriceSeed[] = [
  { id: 'price_pro_monthly', interval: 'month', unitAmount: 2_900 },
  { id: 'price_pro_yearly', interval: 'year', unitAmount: 29_000 },
  { id: 'price_business_monthly', interval: 'month', unitAmount: 9_900 },
  { id: 'price_business_yearly', interval: 'year', unitAmount: 99_000 },
];

export type SubscriptionChange = {
  status?: SubscriptionStatus;
  cancelAtPeriodEnd?: boolean;
  priceId?: string;
  /** Starts the next billing period now (a renewal). */
  renew?: boolean;
};

type Params = Record<string, unknown>;

const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);
const metadataOf = (value: unknown): Metadata =>
  value && typeof value === 'object'
    ? Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, String(v)]))
    : {};

/** Everything the emulator knows, in memory; every change that Stripe would announce becomes an event. */
export class EmulatorState {
  readonly customers = new Map<string, Customer>();
  readonly subscriptions = new Map<string, Subscription>();
  readonly checkoutSessions = new Map<string, CheckoutSession>();
  readonly portalSessions = new Map<string, PortalSession>();
  readonly prices = new Map<string, Price>();
  readonly events: StripeEvent[] = [];
  private readonly listeners = new Set<(event: StripeEvent) => void>();

  constructor(
    private readonly baseUrl: () => string,
    prices: PriceSeed[] = DEFAULT_PRICES,
  ) {
    for (const seed of prices) {
      this.prices.set(seed.id, {
        id: seed.id,
        object: 'price',
        active: true,
        currency: 'usd',
        product: seed.product ?? `prod_${seed.id.replace(/^price_/, '')}`,
        recurring: { interval: seed.interval, interval_count: 1 },
        unit_amount: seed.unitAmount,
      });
    }
  }

  onEvent(listener: (event: StripeEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(type: string, object: unknown, previous?: Record<string, unknown>): StripeEvent {
    const event: StripeEvent = {
      id: stripeId('evt'),
      object: 'event',
      api_version: EMULATED_API_VERSION,
      created: nowSeconds(),
      data: { object: structuredClone(object), ...(previous ? { previous_attributes: previous } : {}) },
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      type,
    };
    this.events.push(event);
    for (const listener of this.listeners) listener(event);
    return event;
  }

  createCustomer(params: Params): Customer {
    const customer: Customer = {
      id: stripeId('cus'),
      object: 'customer',
      created: nowSeconds(),
      email: text(params.email),
      name: text(params.name),
      metadata: metadataOf(params.metadata),
      livemode: false,
    };
    this.customers.set(customer.id, customer);
    this.emit('customer.created', customer);
    return customer;
  }

  retrieveCustomer(id: string): Customer {
    const customer = this.customers.get(id);
    if (!customer) throw StripeApiError.missing('customer', id);
    return customer;
  }

  createCheckoutSession(params: Params): CheckoutSession {
    if (params.mode !== 'subscription') throw StripeApiError.invalid('Only mode=subscription is emulated', 'mode');
    const customerId = text(params.customer);
    if (customerId) this.retrieveCustomer(customerId);
    const lineItems = Array.isArray(params.line_items) ? (params.line_items as Params[]) : [];
    const priceId = text(lineItems[0]?.price);
    if (!priceId || !this.prices.has(priceId))
      throw StripeApiError.missing('price', priceId ?? '', 'line_items[0][price]');
    const successUrl = text(params.success_url);
    if (!successUrl) throw StripeApiError.invalid('Missing required param: success_url.', 'success_url');
    const id = stripeId('cs_test');
    const session: CheckoutSession = {
      id,
      object: 'checkout.session',
      created: nowSeconds(),
      mode: 'subscription',
      status: 'open',
      payment_status: 'unpaid',
      customer: customerId,
      client_reference_id: text(params.client_reference_id),
      metadata: metadataOf(params.metadata),
      subscription: null,
      success_url: successUrl,
      cancel_url: text(params.cancel_url),
      url: `${this.baseUrl()}/checkout/${id}`,
      line_items_price: priceId,
      livemode: false,
    };
    this.checkoutSessions.set(id, session);
    return session;
  }

  listCheckoutSessions(params: Params): CheckoutSession[] {
    const customer = text(params.customer);
    const status = text(params.status);
    return [...this.checkoutSessions.values()]
      .filter((session) => (!customer || session.customer === customer) && (!status || session.status === status))
      .sort((a, b) => b.created - a.created);
  }

  expireCheckoutSession(id: string): CheckoutSession {
    const session = this.retrieveCheckoutSession(id);
    if (session.status !== 'open') {
      throw StripeApiError.invalid(
        `Only Checkout Sessions with a status of open can be expired (this one is ${session.status}).`,
      );
    }
    Object.assign(session, { status: 'expired', url: null } satisfies Partial<CheckoutSession>);
    this.emit('checkout.session.expired', session);
    return session;
  }

  retrieveCheckoutSession(id: string): CheckoutSession {
    const session = this.checkoutSessions.get(id);
    if (!session) throw StripeApiError.missing('checkout.session', id);
    return session;
  }

  createPortalSession(params: Params): PortalSession {
    const customerId = text(params.customer);
    if (!customerId) throw StripeApiError.invalid('Missing required param: customer.', 'customer');
    this.retrieveCustomer(customerId);
    const id = stripeId('bps');
    const session: PortalSession = {
      id,
      object: 'billing_portal.session',
      created: nowSeconds(),
      customer: customerId,
      return_url: text(params.return_url),
      url: `${this.baseUrl()}/portal/${id}`,
      livemode: false,
    };
    this.portalSessions.set(id, session);
    return session;
  }

  listSubscriptions(params: Params): Subscription[] {
    const customer = text(params.customer);
    if (
      customer &&
      !this.customers.has(customer) &&
      ![...this.subscriptions.values()].some((s) => s.customer === customer)
    ) {
      throw StripeApiError.missing('customer', customer, 'customer');
    }
    const status = text(params.status);
    return [...this.subscriptions.values()]
      .filter((subscription) => !customer || subscription.customer === customer)
      .filter((subscription) => {
        if (status === 'all') return true;
        if (status) return subscription.status === status;
        return subscription.status !== 'canceled' && subscription.status !== 'incomplete_expired';
      })
      .sort((a, b) => b.created - a.created);
  }

  retrieveSubscription(id: string): Subscription {
    const subscription = this.subscriptions.get(id);
    if (!subscription) throw StripeApiError.missing('subscription', id);
    return subscription;
  }

  /** What a customer paying on the hosted checkout page does: the subscription starts. */
  completeCheckout(sessionId: string, options: { trialDays?: number } = {}): Subscription {
    const session = this.retrieveCheckoutSession(sessionId);
    if (session.status !== 'open') throw StripeApiError.invalid(`Checkout session ${sessionId} is ${session.status}`);
    const customerId = session.customer ?? this.createCustomer({ metadata: session.metadata }).id;
    const price = this.prices.get(session.line_items_price) as Price;
    const start = nowSeconds();
    const trialEnd = options.trialDays ? start + options.trialDays * DAY : null;
    const subscription: Subscription = {
      id: stripeId('sub'),
      object: 'subscription',
      created: start,
      customer: customerId,
      status: trialEnd ? 'trialing' : 'active',
      cancel_at_period_end: false,
      canceled_at: null,
      ended_at: null,
      trial_end: trialEnd,
      metadata: session.metadata,
      items: {
        object: 'list',
        data: [
          {
            id: stripeId('si'),
            object: 'subscription_item',
            price,
            quantity: 1,
            current_period_start: start,
            current_period_end: trialEnd ?? start + (price.recurring.interval === 'year' ? 365 : 30) * DAY,
          },
        ],
        has_more: false,
        url: '/v1/subscription_items',
      },
      livemode: false,
    };
    this.subscriptions.set(subscription.id, subscription);
    Object.assign(session, {
      status: 'complete',
      payment_status: trialEnd ? 'no_payment_required' : 'paid',
      customer: customerId,
      subscription: subscription.id,
      url: null,
    } satisfies Partial<CheckoutSession>);
    this.emit('customer.subscription.created', subscription);
    this.emit('checkout.session.completed', session);
    if (!trialEnd) this.emit('invoice.paid', this.invoiceFor(subscription));
    return subscription;
  }

  /** A customer checking out and paying for `priceId` in one step (tests, scripts). */
  subscribe(customerId: string, priceId: string, options: { trialDays?: number } = {}): Subscription {
    const session = this.createCheckoutSession({
      mode: 'subscription',
      customer: customerId,
      line_items: [{ price: priceId }],
      success_url: `${this.baseUrl()}/checkout/done`,
    });
    return this.completeCheckout(session.id, options);
  }

  /** `DELETE /v1/subscriptions/:id`: cancels at once, as Stripe does; a canceled one cannot be canceled again. */
  cancelSubscription(id: string): Subscription {
    const subscription = this.retrieveSubscription(id);
    if (subscription.status === 'canceled' || subscription.status === 'incomplete_expired') {
      throw StripeApiError.invalid(`Subscription ${id} is already ${subscription.status}`);
    }
    return this.updateSubscription(id, { status: 'canceled' });
  }

  /** Changes a subscription the way Stripe (or the customer in the portal) would, and announces it. */
  updateSubscription(id: string, change: SubscriptionChange): Subscription {
    const subscription = this.retrieveSubscription(id);
    const previous: Record<string, unknown> = {};
    const item = subscription.items.data[0];
    if (change.priceId !== undefined && item) {
      const price = this.prices.get(change.priceId);
      if (!price) throw StripeApiError.missing('price', change.priceId, 'price');
      previous.items = structuredClone(subscription.items);
      item.price = price;
    }
    if (change.renew && item) {
      previous.items ??= structuredClone(subscription.items);
      const length = item.current_period_end - item.current_period_start;
      item.current_period_start = nowSeconds();
      item.current_period_end = item.current_period_start + length;
    }
    if (change.cancelAtPeriodEnd !== undefined) {
      previous.cancel_at_period_end = subscription.cancel_at_period_end;
      subscription.cancel_at_period_end = change.cancelAtPeriodEnd;
    }
    if (change.status !== undefined && change.status !== subscription.status) {
      previous.status = subscription.status;
      subscription.status = change.status;
      if (change.status === 'canceled') {
        subscription.canceled_at = nowSeconds();
        subscription.ended_at = nowSeconds();
      }
    }
    const type = subscription.status === 'canceled' ? 'customer.subscription.deleted' : 'customer.subscription.updated';
    this.emit(type, subscription, previous);
    if (change.status === 'past_due') this.emit('invoice.payment_failed', this.invoiceFor(subscription));
    return subscription;
  }

  private invoiceFor(subscription: Subscription) {
    const item = subscription.items.data[0];
    return {
      id: stripeId('in'),
      object: 'invoice',
      customer: subscription.customer,
      status: subscription.status === 'past_due' ? 'open' : 'paid',
      billing_reason: 'subscription_create',
      amount_paid: item?.price.unit_amount ?? 0,
      // API 2025-03-31+: the subscription link moved under parent.subscription_details.
      parent: { type: 'subscription_details', subscription_details: { subscription: subscription.id, metadata: {} } },
      period_start: item?.current_period_start ?? null,
      period_end: item?.current_period_end ?? null,
      livemode: false,
    };
  }
}
