import type { WebhookInbox } from '@groundwork/billing';
import { inSpan } from '@groundwork/core';
import express from 'express';

import { atPath, type DirectRoute } from './direct-routes.js';
import { requestIdOf } from './request-context.js';

const WEBHOOK_PATH = '/webhooks/stripe';

/**
 * `POST /webhooks/stripe`: the raw body (signatures are computed over the
 * exact bytes) goes to the inbox. Failures get a generic body; a storage
 * failure becomes a 5xx through the error handler, so Stripe retries.
 * Served before Express (ADR 040); any other method falls through to its 404.
 */
export function stripeWebhookRoute(inbox: WebhookInbox | null, firstSteps: DirectRoute['steps']): DirectRoute {
  return {
    matches: (req) => req.method === 'POST' && atPath(req.url ?? '', WEBHOOK_PATH),
    steps: [...firstSteps, express.raw({ type: () => true, limit: '512kb' })],
    handler: async (req, res) => {
      if (!inbox) {
        res.status(503).json({ error: 'webhooks are not configured' });
        return;
      }
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const requestId = requestIdOf(req);
      const outcome = await inSpan('stripe.webhook.receive', { 'request.id': requestId }, async (span) => {
        const result = await inbox(body, req.headers['stripe-signature'] as string | undefined, { requestId });
        span.setAttribute('http.response.status_code', result.status);
        return result;
      });
      if (outcome.status === 400) {
        res.status(400).json({ error: 'invalid webhook' });
        return;
      }
      res.status(200).json({ received: true });
    },
  };
}
