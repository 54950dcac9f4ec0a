/**
 * The budget ADR 010 and docs/billing.md state, counted rather than timed:
 * in the steady state a plan-gated call makes at most one Redis round trip
 * (rate limit and revocation in one script) and no SQL (authentication,
 * membership and entitlement come from caches; usage is batched). Through
 * the real HTTP app in production mode, against a Redis of its own so that
 * MONITOR sees only this app's commands.
 */
import { randomBytes } from 'node:crypto';

import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { startPrivateRedis, type PrivateRedis } from '../../../../test/support/private-redis.js';
import { productionTestConfig } from '../../../../test/support/test-env.js';
import { useTestDatabase } from '../../../../test/support/use-test-database.js';
import { apiClient, buildSignup } from '../testing/http.js';
import { startTestApi, type TestApi } from '../testing/start-test-api.js';

const database = useTestDatabase();
const WARM_CALLS = 3;
const COUNTED_CALLS = 25;

/**
 * Every command clients send Redis, in order, as MONITOR reports it; those a
 * script runs (source "lua") are part of its one round trip and left out.
 */
async function monitorCommands(url: string) {
  // Connected (its handshake done) before MONITOR starts, so only its markers show.
  const markers = new Redis(url);
  await markers.ping();
  // monitor() opens a connection of its own; the client it was asked of is closed with it.
  const base = new Redis(url, { lazyConnect: true });
  const monitor = await base.monitor();
  const seen: string[][] = [];
  const waiting = new Map<string, () => void>();
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    const marker = args[0]?.toLowerCase() === 'echo' ? args[1] : undefined;
    if (marker !== undefined && waiting.has(marker)) {
      waiting.get(marker)?.();
      return;
    }
    if (source !== 'lua') seen.push(args);
  });
  return {
    /** Commands seen since the last call, once Redis has executed everything sent before it. */
    async take(): Promise<string[][]> {
      const marker = `budget-marker-${randomBytes(6).toString('hex')}`;
      const echoed = new Promise<void>((resolve) => waiting.set(marker, resolve));
      await markers.echo(marker);
      await echoed;
      return seen.splice(0);
    },
    close() {
      monitor.disconnect();
      base.disconnect();
      markers.disconnect();
    },
  };
}

describe('the plan-gated hot path budget (ADR 010)', () => {
  let redis: PrivateRedis;
  let api: TestApi;
  beforeAll(async () => {
    redis = await startPrivateRedis();
    const config = productionTestConfig({
      DATABASE_URL: database.url,
      ...redis.env,
      // The batched usage flush is the one statement a gated call causes, on its own schedule, not per call.
      USAGE_FLUSH_INTERVAL_MS: '3600000',
    });
    // The steady state: a Redis that has kept its data for longer than an access token lives (ADR 012).
    // A Redis younger than that cannot vouch for a missing revocation marker, and the database is asked.
    const seeding = new Redis(redis.url);
    await seeding.set(`${config.redis.keyPrefix}:{auth}:revocations-since`, String(Date.now() - 86_400_000));
    seeding.disconnect();
    api = await startTestApi(config);
  });
  afterAll(async () => {
    await api?.close();
    await redis?.stop();
  });

  /** A member of an organization on the business plan, and a signed-in client of theirs. */
  async function memberOnBusinessPlan() {
    const { tokens } = await apiClient(api.url).auth.signup.mutate(buildSignup());
    const client = apiClient(api.url, { token: tokens.accessToken });
    const organizationId = (await client.auth.me.query()).memberships[0]?.organization.id ?? '';
    await api.db('subscriptions').insert({
      id: `sub_budget_${randomBytes(4).toString('hex')}`,
      organizationId,
      stripeCustomerId: 'cus_budget',
      status: 'active',
      priceId: 'price_1BusinessProductionLike',
      planKey: 'business',
      currentPeriodStart: new Date(),
      currentPeriodEnd: new Date(Date.now() + 30 * 86_400_000),
      stripeCreatedAt: new Date(),
    });
    return { client, organizationId };
  }

  /** The Redis commands and SQL statements of COUNTED_CALLS warm calls to `analytics.limits`. */
  async function countWarmCalls(client: ReturnType<typeof apiClient>, organizationId: string) {
    for (let call = 0; call < WARM_CALLS; call += 1) await client.analytics.limits.query({ organizationId });
    const monitor = await monitorCommands(redis.url);
    await monitor.take();
    const statements: string[] = [];
    const onQuery = (query: { sql: string }) => statements.push(query.sql);
    api.db.on('query', onQuery);
    const answers = [];
    for (let call = 0; call < COUNTED_CALLS; call += 1)
      answers.push(await client.analytics.limits.query({ organizationId }));
    const commands = await monitor.take();
    api.db.off('query', onQuery);
    monitor.close();
    return { answers, statements, commands };
  }

  test(`when ${COUNTED_CALLS} warm plan-gated calls are made, then each makes exactly one Redis command (the admission script) and none makes SQL`, async () => {
    // Arrange: a member of an organization on the business plan, caches warmed by a few calls.
    const { client, organizationId } = await memberOnBusinessPlan();

    // Act
    const { answers, statements, commands } = await countWarmCalls(client, organizationId);

    // Assert
    expect(answers.every((answer) => answer.plan === 'business')).toBe(true);
    expect(statements).toEqual([]);
    expect(commands.map((args) => args[0]?.toLowerCase())).toEqual(Array(COUNTED_CALLS).fill('evalsha'));
  });

  test(`when ${COUNTED_CALLS} warm plan-gated calls are made with an API key, then each makes exactly one Redis command and none makes SQL (last use is batched)`, async () => {
    // Arrange: the same organization reached through a read key (ADR 025).
    const { client, organizationId } = await memberOnBusinessPlan();
    const { key } = await client.apiKeys.create.mutate({ organizationId, name: 'budget', scopes: ['read'] });

    // Act
    const { answers, statements, commands } = await countWarmCalls(apiClient(api.url, { token: key }), organizationId);

    // Assert
    expect(answers.every((answer) => answer.plan === 'business')).toBe(true);
    expect(statements).toEqual([]);
    expect(commands.map((args) => args[0]?.toLowerCase())).toEqual(Array(COUNTED_CALLS).fill('evalsha'));
  });
});
