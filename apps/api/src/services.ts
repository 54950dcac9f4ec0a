import {
  buildAccountLink,
  type Clock,
  createAccessTokens,
  createAuth,
  createPasswordHasher,
  createPasswordResetRequests,
  type RequestMeta,
  type SigningKeys,
} from '@groundwork/auth';
import type { Config } from '@groundwork/config';
import type { Logger } from '@groundwork/core';
import { createOrganizationRepository, createUnitOfWork, createUsageRepository, type Knex } from '@groundwork/db';
import { createBillingFromSettings, createWebhookInbox, type DeliveryMeta } from '@groundwork/billing';
import { createEmailOutbox } from '@groundwork/email';
import {
  billingQueue,
  createProducer,
  EMAIL_JOB_NAME,
  emailsQueue,
  housekeepingQueue,
  organizationDeletionJobId,
  PASSWORD_RESET_REQUEST,
  passwordResetRequestJobId,
  stripeEventJobId,
  stripeEventsQueue,
} from '@groundwork/queue';
import type { RedisClient } from '@groundwork/queue';
import { randomUUID } from 'node:crypto';

import { createAnalyticsService } from './features/analytics/analytics.service.js';
import { createApiKeyCache } from './features/api-keys/api-key-cache.js';
import { createApiKeysService } from './features/api-keys/api-keys.service.js';
import { createLastUsedRecorder } from './features/api-keys/last-used-recorder.js';
import { createApiMetrics } from './observability/api-metrics.js';
import { createEnqueueRetry } from './features/billing/enqueue-retry.js';
import { createEntitlementCache } from './features/billing/entitlement-cache.js';
import { createGatedCallQuota } from './features/billing/gated-call-quota.js';
import { createRedisQuotaExchange } from './features/billing/redis-quota-exchange.js';
import { createUsageRecorder, GATED_CALLS_METRIC } from './features/billing/usage-recorder.js';
import { createRefreshCookies } from './features/auth/refresh-cookie.js';
import { createTokensValidAfter } from './features/auth/tokens-valid-after.js';
import { createInvitationsService } from './features/organizations/invitations.service.js';
import { createMembersService } from './features/organizations/members.service.js';
import { createMembershipCache } from './features/organizations/membership-cache.js';
import { createOrganizationsService } from './features/organizations/organizations.service.js';
import { createSystemService } from './features/system/system.service.js';
import { createLoginThrottle } from './rate-limit/login-throttle.js';
import { createRequestAdmission } from './rate-limit/request-admission.js';
import { createRequestLimits } from './rate-limit/request-limits.js';
import { createSecondFactorThrottle } from './rate-limit/second-factor-throttle.js';

function signingKeys(jwt: Config['auth']['jwt']): SigningKeys {
  if (jwt.algorithm === 'HS256') return { algorithm: 'HS256', keyId: jwt.keyId, secret: jwt.secret };
  // Parsed once when the configuration loaded, which refuses RS256 without a valid private key.
  if (!jwt.privateKey) throw new Error('RS256 signing without a private key: the configuration should have refused it');
  return {
    algorithm: 'RS256',
    keyId: jwt.keyId,
    privateKey: jwt.privateKey,
    previousPublicKeys: jwt.previousPublicKeys,
  };
}

/** Everything requests share, built once at start-up from the configuration and connections. */
export function createServices(deps: {
  config: Config;
  db: Knex;
  redis: RedisClient;
  /** BullMQ's producers' connection: not `redis`, which is auto-pipelined (ADR 047). */
  queueRedis: RedisClient;
  /** A dedicated connection in subscriber mode, for entitlement-change announcements. */
  subscriber: RedisClient;
  logger: Logger;
  version: string;
  startedAt: number;
  /** Defaults to the system clock; tests move time (TOTP steps, challenge and step-up expiry) with their own. */
  clock?: Clock;
}) {
  const { config, db, redis, logger } = deps;
  // One clock for every time-dependent part (auth windows, API key expiry); tests pass a movable one.
  const clock: Clock = deps.clock ?? Date;
  const metrics = createApiMetrics();
  const billing = createBillingFromSettings(config.billing, { db, redis, keyPrefix: config.redis.keyPrefix, logger });
  const producerOptions = { connection: deps.queueRedis, keyPrefix: config.redis.keyPrefix, logger };
  const stripeEvents = createProducer(stripeEventsQueue, producerOptions);
  const billingJobs = createProducer(billingQueue, producerOptions);
  const housekeepingJobs = createProducer(housekeepingQueue, producerOptions);
  const emailJobs = createProducer(emailsQueue, producerOptions);
  // For the operators' dashboard: every queue of the registry, seen from the API.
  const dashboardQueues = [housekeepingJobs, billingJobs, emailJobs];
  // The one outbox of the API: messages are recorded in the use case's transaction and queued after it commits.
  const emailOutbox = createEmailOutbox({
    dispatch: async (emailId) => {
      await emailJobs.enqueue(EMAIL_JOB_NAME, { emailId }, { jobId: emailId });
    },
    logger,
  });
  const usage = createUsageRepository(db);
  const usageRecorder = createUsageRecorder({
    usage,
    flushIntervalMs: config.billing.usageFlushIntervalMs,
    logger,
  });
  const gatedCallQuota = createGatedCallQuota({
    // A new field per process: a restarted instance's calls before the restart keep counting under the old one.
    exchange: createRedisQuotaExchange({ redis, keyPrefix: config.redis.keyPrefix, instanceId: randomUUID() }),
    readStoredCounts: (day, organizationIds) => usage.countsForDay(day, GATED_CALLS_METRIC, organizationIds),
    syncIntervalMs: config.billing.gatedCallSyncIntervalMs,
    logger,
  });
  const entitlements = createEntitlementCache({
    read: billing.readEntitlements,
    ttlMs: config.billing.entitlementCacheTtlMs,
    subscriber: deps.subscriber,
    keyPrefix: config.redis.keyPrefix,
    logger,
  });
  const keyPrefix = config.redis.keyPrefix;
  const organizations = createOrganizationRepository(db);
  const memberships = createMembershipCache({
    read: (organizationId, userId) => organizations.findRole(organizationId, userId),
    ttlMs: config.auth.membershipCacheTtlMs,
    redis,
    subscriber: deps.subscriber,
    keyPrefix,
    logger,
  });
  const accessTokens = createAccessTokens({
    keys: signingKeys(config.auth.jwt),
    issuer: config.auth.jwt.issuer,
    audience: config.auth.jwt.audience,
    ttlSeconds: config.auth.accessTokenTtlSeconds,
  });
  const uow = createUnitOfWork(db);
  const tokensValidAfter = createTokensValidAfter({
    users: uow.repositories.users,
    redis,
    subscriber: deps.subscriber,
    keyPrefix,
    ttlMs: config.auth.validAfterCacheTtlMs,
    logger,
  });
  const lastUsed = createLastUsedRecorder({
    apiKeys: uow.repositories.apiKeys,
    // Last use is batched like usage, on the same schedule (ADR 025).
    flushIntervalMs: config.billing.usageFlushIntervalMs,
    logger,
  });
  const apiKeys = createApiKeysService({
    uow,
    cache: createApiKeyCache({
      read: (keyHash) => uow.repositories.apiKeys.findUsableByHash(keyHash),
      ttlMs: config.auth.apiKeys.cacheTtlMs,
      redis,
      subscriber: deps.subscriber,
      keyPrefix,
      logger,
    }),
    lastUsed,
    environment: config.billing.livemode ? 'live' : 'test',
    rotationGraceSeconds: config.auth.apiKeys.rotationGraceSeconds,
    now: () => clock.now(),
  });
  const hasher = createPasswordHasher({ cost: config.auth.bcryptCost, ...config.auth.passwordHashing });
  const auth = createAuth({
    uow,
    redis,
    keyPrefix,
    hasher,
    accessTokens,
    tokensValidAfter,
    loginThrottle: createLoginThrottle({ redis, keyPrefix, settings: config.rateLimits.login }),
    organizationDeletionJobs: {
      enqueue: (deletionId) =>
        billingJobs.enqueue(
          'delete-organization',
          { task: 'delete-organization', deletionId },
          { jobId: organizationDeletionJobId(deletionId) },
        ),
    },
    secondFactorThrottle: createSecondFactorThrottle({ redis, keyPrefix }),
    clock,
    onRefreshReuse: () => metrics.refreshReuse.inc(),
    settings: {
      accessTokenTtlSeconds: config.auth.accessTokenTtlSeconds,
      refreshTokenTtlSeconds: config.auth.refreshTokenTtlSeconds,
      refreshReuseGraceSeconds: config.auth.refreshReuseGraceSeconds,
      twoFactorSecret: config.auth.twoFactor.secret,
      totpIssuer: config.auth.twoFactor.issuer,
      mfaChallengeTtlSeconds: config.auth.twoFactor.challengeTtlSeconds,
      stepUpWindowSeconds: config.auth.stepUpWindowSeconds,
      passkeys: config.auth.passkeys,
    },
    email: { outbox: emailOutbox, links: config.links, deliveryEnabled: config.email.enabled },
    logger,
  });
  const passwordResetRequests = createPasswordResetRequests({
    requests: uow.repositories.passwordResetRequests,
    enqueue: (resetRequestId, requestId) =>
      housekeepingJobs.enqueue(
        PASSWORD_RESET_REQUEST,
        { task: PASSWORD_RESET_REQUEST, resetRequestId, requestId },
        { jobId: passwordResetRequestJobId(resetRequestId) },
      ),
    logger,
  });
  const acceptInvitationUrl = (token: string) => buildAccountLink(config.links.appUrl, 'acceptInvitation', token);
  const invitations = createInvitationsService({
    uow,
    outbox: emailOutbox,
    acceptUrl: acceptInvitationUrl,
    linksMailed: config.email.enabled,
    readEntitlements: billing.readEntitlements,
    signup: (input, meta, within) => auth.signup(input, meta, within),
    settings: { invitationTtlDays: config.organizations.invitationTtlDays },
  });
  const stripeEventEnqueue = createEnqueueRetry<DeliveryMeta>({
    enqueue: (entries) =>
      stripeEvents.enqueueBulk(
        entries.map(({ eventId, meta }) => ({
          name: 'stripe-event',
          payload: { eventId, ...(meta.requestId ? { requestId: meta.requestId } : {}), trace: meta.trace },
          options: { jobId: stripeEventJobId(eventId) },
        })),
      ),
    // The connection the enqueues go through: its return is when to try again.
    redis: deps.queueRedis,
    logger,
  });
  return {
    system: createSystemService({ version: deps.version, startedAt: deps.startedAt }),
    auth,
    apiKeys,
    emailOutbox,
    /**
     * Stores a password-reset request and hands it to the worker, which looks the address up: the
     * API's answer and its timing are the same whether or not the address has an account, and a
     * request whose job is not queued (Redis down) or lost is queued again by the sweeper (ADR 030).
     */
    requestPasswordReset: (email: string, meta: RequestMeta) => passwordResetRequests.record(email, meta),
    organizations: createOrganizationsService({ organizations, memberships }),
    invitations,
    members: createMembersService({ uow, memberships }),
    requestAdmission: createRequestAdmission({
      redis,
      keyPrefix,
      limit: config.rateLimits.default,
      revocationKeys: auth.revocationKeys,
      logger,
    }),
    requestLimits: createRequestLimits({
      redis,
      keyPrefix,
      limits: {
        default: config.rateLimits.default,
        signup: config.rateLimits.signup,
        refresh: config.rateLimits.refresh,
        accountEmail: config.rateLimits.accountEmail,
      },
    }),
    refreshCookies: createRefreshCookies({
      enabled: config.auth.refreshCookie,
      allowedOrigins: new Set(config.http.corsOrigins),
    }),
    metrics,
    billing,
    entitlements,
    memberships,
    usage: usageRecorder,
    gatedCallQuota,
    analytics: createAnalyticsService({ usage, recorder: usageRecorder }),
    /** Null until STRIPE_WEBHOOK_SECRET is set (production refuses to start without it). */
    stripeWebhookInbox: config.billing.webhookSecret
      ? createWebhookInbox({
          stripe: billing.stripe,
          webhookSecret: config.billing.webhookSecret,
          livemode: config.billing.livemode,
          recordEvents: billing.recordIncomingEvents,
          enqueueEvents: (entries) => stripeEventEnqueue.enqueue(entries),
          batching: config.billing.webhookBatching,
          logger,
        })
      : null,
    /** The queues the operators' dashboard shows. */
    queues: [stripeEvents.queue, ...dashboardQueues.map((producer) => producer.queue)],
    /** Starts background parts (pub/sub subscription, usage flushing). */
    async start() {
      await Promise.all([
        entitlements.start(),
        tokensValidAfter.start(),
        memberships.start(),
        gatedCallQuota.start(),
        apiKeys.start(),
      ]);
      usageRecorder.start();
      lastUsed.start();
    },
    /** Flushes usage and closes the producer; connections are closed by the caller. */
    async stop() {
      stripeEventEnqueue.stop();
      await Promise.all([usageRecorder.stop(), gatedCallQuota.stop(), lastUsed.stop(), hasher.close()]);
      await Promise.all([stripeEvents.close(), ...dashboardQueues.map((producer) => producer.close())]);
    },
    /** The public keys for `/.well-known/jwks.json` (asymmetric signing only). */
    jwks: () => accessTokens.jwks(),
  };
}

export type Services = ReturnType<typeof createServices>;
