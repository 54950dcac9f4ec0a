import type { Config } from '@groundwork/config';
import type { BackgroundChecks, DependencyCheck, Logger } from '@groundwork/core';
import { AppError, metricsAccess } from '@groundwork/core';
import type { IncomingMessage, RequestListener } from 'node:http';

import type { AnyRouter, TRPCError } from '@trpc/server';
import { createExpressMiddleware } from '@trpc/server/adapters/express';
import type { OpenApiRouter } from 'trpc-to-openapi';
import cors from 'cors';
import express from 'express';
import helmet from 'helmet';

import { apiDocsRoutes } from './http/api-docs.route.js';
import { errorHandler, notFoundHandler } from './http/error-handler.js';
import { healthRoutes } from './http/health.routes.js';
import { requestContext, requestLog } from './http/request-context.js';
import { queueDashboardRoutes } from './http/queue-dashboard.route.js';
import { requireJsonBody } from './http/require-json.js';
import { restView } from './http/rest-view.route.js';
import {
  type DirectRoute,
  procedurePathOf,
  serveDirectRoutesFirst,
  type Step,
  underPrefix,
} from './http/direct-routes.js';
import { stripeWebhookRoute } from './http/stripe-webhook.route.js';
import { createTrpcHandler } from './http/trpc-handler.js';
import type { Services } from './services.js';
import { type Context, createContextFactory } from './trpc/context.js';
import { appRouter } from './trpc/router.js';

export type AppDependencies = {
  config: Config;
  logger: Logger;
  services: Services;
  readinessChecks: Record<string, DependencyCheck>;
  /** Checks /ready reads but never runs (migrations, Stripe). */
  backgroundChecks: BackgroundChecks;
  /** True once shutdown has begun: /ready fails and connections are not kept alive. */
  isDraining: () => boolean;
  /** Defaults to the product's router; tests mount their own to exercise the middleware chain. */
  router?: AnyRouter;
  /**
   * Tests only: mount `/trpc` in Express with tRPC's stock adapter, as before ADR 040, so a test
   * can check that both answer every request alike.
   */
  stockTrpcAdapter?: boolean;
};

/**
 * Headers of a tRPC response: never cached (it may carry tokens), Retry-After
 * when a call was rate limited, and any cookie a procedure set.
 */
function responseHeaders(ctx: Context | undefined, errors: TRPCError[]) {
  const headers: Record<string, string | string[]> = { 'cache-control': 'no-store' };
  const retryAfter = errors
    .map((error) => (error.cause instanceof AppError ? error.cause.details?.retryAfterSeconds : undefined))
    .find((value) => typeof value === 'number');
  if (retryAfter !== undefined) headers['retry-after'] = String(retryAfter);
  if (ctx && ctx.responseCookies.length > 0) headers['set-cookie'] = ctx.responseCookies;
  return { headers };
}

/**
 * Builds the request listener: `/trpc` served first, everything else by the Express app.
 * It does not listen: `main.ts` (or a test) does.
 */
export function createApp(deps: AppDependencies): RequestListener {
  const { config, logger } = deps;
  const app = express();
  app.set('trust proxy', config.http.trustProxy);
  app.set('etag', false);
  app.disable('x-powered-by');

  const allowedOrigins = new Set(config.http.corsOrigins);
  const corsPolicy = cors({
    origin: (origin, callback) => callback(null, origin !== undefined && allowedOrigins.has(origin)),
    credentials: true,
    maxAge: 600,
  });
  const router = deps.router ?? appRouter;
  const createContext = createContextFactory({
    services: deps.services,
    exposeErrorDetails: config.exposeErrorDetails,
  });
  const handlerOptions = {
    createContext,
    maxBodySize: config.http.bodyLimitBytes,
    responseMeta: ({ ctx, errors }: { ctx?: unknown; errors: TRPCError[] }) =>
      responseHeaders(ctx as Context | undefined, errors),
    onError({ error, path, ctx, req }: { error: TRPCError; path?: string; ctx?: unknown; req: IncomingMessage }) {
      if (error.code !== 'INTERNAL_SERVER_ERROR') return;
      // The router may be any router (tests mount their own), so its context type is not inferred here.
      // No context when making it failed (its database lookups): the request's own logger still has the id.
      ((ctx as Context | undefined)?.request.logger ?? (req.logBinding ? requestLog(req) : logger)).error(
        { err: error.cause ?? error, path },
        'procedure failed',
      );
    },
  };

  const drainingCheck: Step = (_req, res, next) => {
    if (deps.isDraining()) res.setHeader('connection', 'close');
    next();
  };
  const securityHeaders = helmet({ strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true } });
  const firstSteps: Step[] = [requestContext(logger), drainingCheck, securityHeaders];
  for (const step of firstSteps) app.use(step);
  const trpcOptions = { router, ...handlerOptions, maxBatchSize: config.http.maxBatchSize };
  if (deps.stockTrpcAdapter) {
    app.use(
      '/trpc',
      corsPolicy,
      requireJsonBody,
      createExpressMiddleware({ ...trpcOptions, allowMethodOverride: false }),
    );
  }
  // After helmet: the dashboard's UI runs under the same CSP (its scripts are same-origin files; its
  // config is a JSON data block, which script-src does not govern; inline styles are allowed by helmet's default).
  app.use(queueDashboardRoutes({ queues: deps.services.queues, credentials: config.admin.credentials }));
  app.use(
    healthRoutes({
      checks: deps.readinessChecks,
      background: deps.backgroundChecks,
      timeoutMs: config.health.checkTimeoutMs,
      logger,
      isDraining: deps.isDraining,
    }),
  );
  app.use(corsPolicy);

  const metrics = metricsAccess(config.metrics.token);
  app.get('/metrics', async (req, res, next) => {
    if (!metrics.enabled) {
      next();
      return;
    }
    if (!metrics.allows(req.headers.authorization)) {
      res
        .status(401)
        .set('www-authenticate', 'Bearer')
        .json({ error: { code: 'UNAUTHORIZED', message: 'Metrics need the scrape token' } });
      return;
    }
    const registry = deps.services.metrics.registry;
    res
      .set('content-type', registry.contentType)
      .set('cache-control', 'no-store')
      .send(await registry.metrics());
  });

  app.get('/.well-known/jwks.json', (_req, res) => {
    const jwks = deps.services.jwks();
    if (!jwks) {
      notFoundHandler(_req, res, () => undefined);
      return;
    }
    res.set('cache-control', 'public, max-age=300').json(jwks);
  });

  app.use(apiDocsRoutes({ router, version: deps.services.system.status().version, restBasePath: '/api' }));
  // The same procedures over REST (for clients other than TypeScript), with the same middleware chain.
  app.use('/api', requireJsonBody, restView({ router: router as OpenApiRouter, ...handlerOptions }));

  app.use(notFoundHandler);
  app.use(errorHandler);

  // The hot paths pass no Express routing, only the steps they need (ADRs 018, 040). The webhook
  // route parses no JSON before its raw body: the signature covers the exact bytes.
  const handleTrpc = createTrpcHandler(trpcOptions);
  const trpcRoute: DirectRoute = {
    matches: (req) => underPrefix(req.url ?? '', '/trpc'),
    steps: [...firstSteps, corsPolicy, requireJsonBody],
    handler: (req, res) => handleTrpc(req, res, procedurePathOf(req.url, '/trpc')),
  };
  return serveDirectRoutesFirst({
    app,
    routes: [
      ...(deps.stockTrpcAdapter ? [] : [trpcRoute]),
      stripeWebhookRoute(deps.services.stripeWebhookInbox, firstSteps),
    ],
    onError: errorHandler,
  });
}
