import { createRequire } from 'node:module';
import { dirname } from 'node:path';

import type { AnyRouter } from '@trpc/server';
import express, { Router } from 'express';
import type { OpenApiRouter } from 'trpc-to-openapi';

import type { ProcedureMeta } from '../trpc/t.js';
import { onFirstUse } from './on-first-use.js';

const swaggerUiDir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

/**
 * The webhook is not a procedure; it is documented by hand for Stripe-facing operators.
 * It lives at the root, not under the REST base path the document's servers name.
 */
const WEBHOOK_PATH = {
  '/webhooks/stripe': {
    servers: [{ url: '/', description: 'The API root (the webhook is not under the REST base path)' }],
    post: {
      tags: ['webhooks'],
      summary: 'Stripe webhook endpoint (Stripe calls this, not clients)',
      description:
        'Raw JSON body signed by Stripe (Stripe-Signature header, checked against STRIPE_WEBHOOK_SECRET). Verified events are stored once by id and processed by the worker. Events consumed: checkout.session.completed, customer.subscription.*, invoice.paid, invoice.payment_succeeded, invoice.payment_failed, invoice.payment_action_required; others are stored and ignored.',
      parameters: [
        { in: 'header' as const, name: 'stripe-signature', required: true, schema: { type: 'string' as const } },
      ],
      responses: {
        '200': { description: 'Stored (and queued, or left for the sweeper)' },
        '400': { description: 'Bad signature, stale timestamp, altered body or wrong mode: nothing stored' },
        '500': { description: 'Could not be stored: Stripe retries' },
      },
    },
  },
};

const SECURITY_SCHEMES = {
  Authorization: {
    type: 'http' as const,
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'An access token from auth.login, auth.signup or auth.refresh.',
  },
  ApiKey: {
    type: 'http' as const,
    scheme: 'bearer',
    bearerFormat: 'gw_live_… / gw_test_… organization API key',
    description:
      'An organization API key (`Authorization: Bearer gw_live_…`), only on operations that list it: its own organization only, the read scope for GET, the write scope for POST.',
  },
};

type Operation = { operationId?: string; security?: Record<string, string[]>[] };

/**
 * trpc-to-openapi offers every scheme on every protected operation; an API key is offered
 * only where the procedure accepts one (`meta.acceptsApiKey`, set by memberOrKeyProcedure).
 */
function withApiKeyAccess<TDocument extends { paths?: object }>(document: TDocument, router: AnyRouter): TDocument {
  const procedures = router._def.procedures as Record<string, { _def: { meta?: ProcedureMeta } }>;
  const acceptsKey = new Set(
    Object.entries(procedures)
      .filter(([, procedure]) => procedure._def.meta?.acceptsApiKey === true)
      .map(([path, procedure]) => procedure._def.meta?.openapi?.operationId ?? path.replaceAll('.', '-')),
  );
  for (const item of Object.values(document.paths ?? {}) as Record<string, Operation>[]) {
    for (const operation of Object.values(item)) {
      if (!operation.security || acceptsKey.has(operation.operationId ?? '')) continue;
      operation.security = operation.security.filter((requirement) => !('ApiKey' in requirement));
    }
  }
  return document;
}

/** An initializer without inline script, so the strict Content-Security-Policy stays on. */
const INITIALIZER = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true, persistAuthorization: true });
});`;

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Groundwork API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script></body></html>`;

/**
 * `/openapi.json` (OpenAPI 3 for the REST-exposed procedures, generated from
 * their zod schemas) and `/docs` (Swagger UI served locally, no CDN).
 */
export function apiDocsRoutes(options: { router: AnyRouter; version: string; restBasePath: string }): Router {
  // Built on first request, not at start-up, with the generator loaded then: most processes never serve it (ADR 048).
  const document = onFirstUse(async () => {
    const { generateOpenApiDocument } = await import('trpc-to-openapi');
    const built = generateOpenApiDocument(options.router as OpenApiRouter, {
      title: 'Groundwork API',
      description:
        'REST view of the tRPC API. TypeScript apps should use @groundwork/client instead. Errors use the tRPC error shape; PAYMENT_REQUIRED (402) carries data.details.',
      version: options.version,
      baseUrl: options.restBasePath,
      securitySchemes: SECURITY_SCHEMES,
      paths: WEBHOOK_PATH,
    });
    return withApiKeyAccess(built, options.router);
  });
  const routes = Router();
  routes.get('/openapi.json', async (_req, res) => {
    res.json(await document());
  });
  routes.get('/docs', (_req, res) => {
    res.type('html').send(PAGE);
  });
  routes.get('/docs/init.js', (_req, res) => {
    res.type('application/javascript').send(INITIALIZER);
  });
  routes.use('/docs/assets', express.static(swaggerUiDir, { index: false, maxAge: '1d' }));
  return routes;
}
