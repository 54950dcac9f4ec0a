import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

import qs from 'qs';

import { type Subscription, toLegacyShape } from './objects.js';
import { handlePage } from './pages.js';
import { EmulatorState, type PriceSeed, type SubscriptionChange } from './state.js';
import { StripeApiError } from './stripe-error.js';
import { type Delivery, type ShapeVersion, WebhookSender } from './webhooks.js';

export type EmulatorOptions = {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  webhook?: { url: string; secret: string } | null;
  delivery?: 'immediate' | 'manual';
  /** 'legacy' serves subscriptions as API versions before 2025-03-31 did (period on the subscription). */
  shape?: ShapeVersion;
  prices?: PriceSeed[];
  /** Accept only this secret key, as a real account does; unset accepts any well-formed test or live key. */
  secretKey?: string;
  /** Serve https, as Stripe does (production refuses an http Stripe base): a PEM key and certificate. */
  tls?: { key: string; cert: string };
};

export type StripeEmulator = {
  url: string;
  port: number;
  state: EmulatorState;
  deliveries: Delivery[];
  setShape: (shape: ShapeVersion) => void;
  setWebhookTarget: (target: { url: string; secret: string } | null) => void;
  completeCheckout: (sessionId: string, options?: { trialDays?: number }) => Subscription;
  updateSubscription: (subscriptionId: string, change: SubscriptionChange) => Subscription;
  flushWebhooks: (options?: { shuffle?: boolean; duplicate?: boolean; random?: () => number }) => Promise<Delivery[]>;
  webhooksSettled: () => Promise<void>;
  close: () => Promise<void>;
};

type Handler = (params: Record<string, unknown>, match: RegExpExecArray) => unknown;

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, reply: { status: number; body: unknown; headers?: Record<string, string> }) {
  res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
  res.end(JSON.stringify(reply.body));
}

/**
 * Starts the emulator: Stripe's REST API under /v1 (the subset Groundwork
 * calls, form-encoded like the SDK sends it, with idempotency keys honoured),
 * control endpoints under /_emulator, and the Checkout and Customer Portal
 * pages a person can click through (pages.ts).
 */
export async function startStripeEmulator(options: EmulatorOptions = {}): Promise<StripeEmulator> {
  let baseUrl = '';
  let shape: ShapeVersion = options.shape ?? 'current';
  const state = new EmulatorState(() => baseUrl, options.prices);
  const webhooks = new WebhookSender(options.webhook ?? null, options.delivery ?? 'immediate', () => shape);
  state.onEvent((event) => webhooks.accept(event));
  const idempotency = new Map<string, { fingerprint: string; status: number; body: unknown }>();

  const present = (value: unknown): unknown => {
    if (shape === 'current') return value;
    if (Array.isArray(value)) return value.map(present);
    const object = value as { object?: string };
    return object?.object === 'subscription' ? toLegacyShape(value as Subscription) : value;
  };
  const list = (data: unknown[], url: string) => ({ object: 'list', data: present(data), has_more: false, url });

  const routes: [string, RegExp, Handler][] = [
    // Groundwork's health check: the cheapest authenticated call there is.
    [
      'GET',
      /^\/v1\/balance$/,
      () => ({
        object: 'balance',
        available: [{ amount: 0, currency: 'usd', source_types: { card: 0 } }],
        pending: [{ amount: 0, currency: 'usd', source_types: { card: 0 } }],
        livemode: false,
      }),
    ],
    ['POST', /^\/v1\/customers$/, (params) => state.createCustomer(params)],
    ['GET', /^\/v1\/customers\/([\w-]+)$/, (_p, m) => state.retrieveCustomer(m[1] ?? '')],
    ['POST', /^\/v1\/checkout\/sessions$/, (params) => state.createCheckoutSession(params)],
    [
      'GET',
      /^\/v1\/checkout\/sessions$/,
      (params) => list(state.listCheckoutSessions(params), '/v1/checkout/sessions'),
    ],
    ['GET', /^\/v1\/checkout\/sessions\/([\w-]+)$/, (_p, m) => state.retrieveCheckoutSession(m[1] ?? '')],
    ['POST', /^\/v1\/checkout\/sessions\/([\w-]+)\/expire$/, (_p, m) => state.expireCheckoutSession(m[1] ?? '')],
    ['POST', /^\/v1\/billing_portal\/sessions$/, (params) => state.createPortalSession(params)],
    ['GET', /^\/v1\/subscriptions$/, (params) => list(state.listSubscriptions(params), '/v1/subscriptions')],
    ['GET', /^\/v1\/subscriptions\/([\w-]+)$/, (_p, m) => present(state.retrieveSubscription(m[1] ?? ''))],
    ['DELETE', /^\/v1\/subscriptions\/([\w-]+)$/, (_p, m) => present(state.cancelSubscription(m[1] ?? ''))],
    [
      'POST',
      /^\/_emulator\/checkout\/([\w-]+)\/complete$/,
      (params, m) => state.completeCheckout(m[1] ?? '', { trialDays: Number(params.trialDays ?? 0) || 0 }),
    ],
    ['POST', /^\/_emulator\/subscriptions\/([\w-]+)$/, (params, m) => state.updateSubscription(m[1] ?? '', params)],
    [
      'POST',
      /^\/_emulator\/webhooks\/flush$/,
      async (params) => webhooks.flush({ shuffle: Boolean(params.shuffle), duplicate: Boolean(params.duplicate) }),
    ],
    [
      'GET',
      /^\/_emulator\/state$/,
      () => ({
        customers: [...state.customers.values()],
        subscriptions: [...state.subscriptions.values()],
        events: state.events.map((event) => ({ id: event.id, type: event.type })),
        deliveries: webhooks.deliveries,
      }),
    ],
  ];

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const isStripeApi = url.pathname.startsWith('/v1/');
    const authorization = req.headers.authorization ?? '';
    const validKey = options.secretKey
      ? authorization === `Bearer ${options.secretKey}`
      : /^Bearer sk_(test|live)_\w+/.test(authorization);
    if (isStripeApi && !validKey) {
      send(res, {
        status: 401,
        body: { error: { type: 'invalid_request_error', message: 'Invalid API Key provided.' } },
      });
      return;
    }
    if (!url.pathname.startsWith('/_emulator/') && !isStripeApi) {
      const form = req.method === 'POST' ? qs.parse(await readBody(req)) : {};
      try {
        if (handlePage(state, { method: req.method ?? 'GET', path: url.pathname, form }, res)) return;
      } catch (error) {
        if (!(error instanceof StripeApiError)) throw error;
        send(res, { status: error.status, body: { error: error.body } });
        return;
      }
    }
    const route = routes.find(([method, pattern]) => method === req.method && pattern.test(url.pathname));
    if (!route) {
      send(res, {
        status: 404,
        body: {
          error: {
            type: 'invalid_request_error',
            message: `Unrecognized request URL (${req.method} ${url.pathname}).`,
          },
        },
      });
      return;
    }
    const raw = req.method === 'POST' ? await readBody(req) : url.search.slice(1);
    const isJson = (req.headers['content-type'] ?? '').includes('application/json');
    const params = (isJson ? (raw ? JSON.parse(raw) : {}) : qs.parse(raw, { depth: 5 })) as Record<string, unknown>;

    // Stripe accepts keys on DELETE too (a cancel sent with one is answered, not repeated).
    const key =
      (req.method === 'POST' || req.method === 'DELETE') && isStripeApi ? req.headers['idempotency-key'] : undefined;
    const fingerprint = createHash('sha256').update(`${url.pathname}\n${raw}`).digest('hex');
    if (typeof key === 'string') {
      const previous = idempotency.get(key);
      if (previous && previous.fingerprint !== fingerprint) {
        send(res, {
          status: 400,
          body: {
            error: {
              type: 'idempotency_error',
              message:
                'Keys for idempotent requests can only be used with the same parameters they were first used with.',
            },
          },
        });
        return;
      }
      if (previous) {
        send(res, { status: previous.status, body: previous.body, headers: { 'idempotent-replayed': 'true' } });
        return;
      }
    }
    let status = 200;
    let body: unknown;
    try {
      body = await route[2](params, route[1].exec(url.pathname) as RegExpExecArray);
    } catch (error) {
      if (!(error instanceof StripeApiError)) throw error;
      status = error.status;
      body = { error: error.body };
    }
    if (typeof key === 'string') idempotency.set(key, { fingerprint, status, body });
    send(res, { status: status, body: body, headers: { 'request-id': `req_${fingerprint.slice(0, 14)}` } });
  }

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((error: unknown) => {
      send(res, {
        status: 500,
        body: { error: { type: 'api_error', message: error instanceof Error ? error.message : String(error) } },
      });
    });
  };
  const server = options.tls ? createTlsServer(options.tls, listener) : createServer(listener);
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  baseUrl = `${options.tls ? 'https' : 'http'}://${options.host ?? '127.0.0.1'}:${port}`;

  return {
    url: baseUrl,
    port,
    state,
    deliveries: webhooks.deliveries,
    setShape: (next) => {
      shape = next;
    },
    setWebhookTarget: (target) => webhooks.setTarget(target),
    completeCheckout: (sessionId, completion) => state.completeCheckout(sessionId, completion),
    updateSubscription: (subscriptionId, change) => state.updateSubscription(subscriptionId, change),
    flushWebhooks: (flush) => webhooks.flush(flush),
    webhooksSettled: () => webhooks.settled(),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
