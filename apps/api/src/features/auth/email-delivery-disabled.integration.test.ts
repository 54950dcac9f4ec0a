import { randomUUID } from 'node:crypto';

import { isEmailDeliveryDisabled } from '@groundwork/client';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { keysMatching } from '../../../../../test/support/redis-keys.js';
import { testConfig } from '../../../../../test/support/test-env.js';
import { useTestDatabase } from '../../../../../test/support/use-test-database.js';
import { apiClient, buildSignup, failureOf } from '../../testing/http.js';
import { startTestApi, type TestApi } from '../../testing/start-test-api.js';
import { signedUp } from '../../testing/teams.js';
import { createTestClock } from '../../testing/test-clock.js';

const database = useTestDatabase();
const STEP_UP_WINDOW_SECONDS = 300;

/** The auth use cases read this clock: the step-up window passes without waiting. */
const clock = createTestClock();

describe('with e-mail delivery off (EMAIL_DELIVERY=disabled), requests that only send an e-mail are refused, not answered "on its way" (ADR 038)', () => {
  let api: TestApi;
  beforeAll(async () => {
    const config = testConfig({
      DATABASE_URL: database.url,
      EMAIL_DELIVERY: 'disabled',
      AUTH_STEP_UP_WINDOW_SECONDS: String(STEP_UP_WINDOW_SECONDS),
    });
    api = await startTestApi(config, { clock });
  });
  afterAll(async () => {
    await api.close();
  });

  /** Everything a send would leave behind: links, messages, audit lines, password-reset requests, limit counters. */
  async function footprint(userId: string, addresses: string[]) {
    const links: { id: string; purpose: string }[] = await api
      .db('accountTokens')
      .where({ userId })
      .orderBy('id')
      .select('id', 'purpose');
    return {
      links,
      audit: await api.db('auditEvents').where({ actorUserId: userId }).orderBy('id').select('id', 'type'),
      emails: await api.db('outboundEmails').whereIn('recipient', addresses).orderBy('id').select('id', 'template'),
      resetRequests: await api.db('passwordResetRequests').whereIn('email', addresses).select('id'),
      accountEmailLimits: await accountEmailCounters(),
    };
  }

  /** The points each per-IP and per-subject limiter of account e-mail has counted, by key. */
  async function accountEmailCounters(): Promise<Record<string, string | null>> {
    const keys = await keysMatching(api.redis, `${api.config.redis.keyPrefix}:rl:accountEmail*`);
    return Object.fromEntries(await Promise.all(keys.map(async (key) => [key, await api.redis.get(key)] as const)));
  }

  async function expectRefusal(call: Promise<unknown>) {
    const refused = await failureOf(call);
    expect(refused.data?.code).toBe('PRECONDITION_FAILED');
    expect(refused.data?.httpStatus).toBe(412);
    expect(refused.data?.details).toEqual({ reason: 'EMAIL_DELIVERY_DISABLED' });
    expect(refused.message).toMatch(/e-mail delivery is turned off.*ask its operator/i);
    expect(isEmailDeliveryDisabled(refused)).toBe(true);
    return refused;
  }

  test('when a signed-in user asks for a new verification link, then PRECONDITION_FAILED and nothing is recorded or counted', async () => {
    const { user, client } = await signedUp(api.url);
    const before = await footprint(user.id, [user.email]);

    await expectRefusal(client.auth.resendVerification.mutate());

    expect(await footprint(user.id, [user.email])).toEqual(before);
    expect(before.accountEmailLimits).toEqual({});
  });

  test('when a user asks to move to a new address, then PRECONDITION_FAILED and no link, notice, audit line or counter is left', async () => {
    const { user, client } = await signedUp(api.url);
    const newEmail = buildSignup().email;
    const before = await footprint(user.id, [user.email, newEmail]);

    await expectRefusal(client.auth.requestEmailChange.mutate({ newEmail }));

    expect(await footprint(user.id, [user.email, newEmail])).toEqual(before);
    expect(before.accountEmailLimits).toEqual({});
    expect(before.links.filter((link) => link.purpose === 'email_change')).toEqual([]);
  });

  test('when the step-up window has passed, then the address change is refused for e-mail, not for step-up: no password is asked for in vain', async () => {
    const { client } = await signedUp(api.url);
    clock.advanceSeconds(STEP_UP_WINDOW_SECONDS + 1);

    await expectRefusal(client.auth.requestEmailChange.mutate({ newEmail: buildSignup().email }));
  });

  test('when a password reset is requested for a known and an unknown address, then both get the same refusal and nothing is stored or queued', async () => {
    const { user } = await signedUp(api.url);
    const unknownEmail = `nobody-${randomUUID()}@example.test`;
    const before = await footprint(user.id, [user.email, unknownEmail]);

    const known = await expectRefusal(apiClient(api.url).auth.requestPasswordReset.mutate({ email: user.email }));
    const unknown = await expectRefusal(apiClient(api.url).auth.requestPasswordReset.mutate({ email: unknownEmail }));

    expect({ message: known.message, details: known.data?.details }).toEqual({
      message: unknown.message,
      details: unknown.data?.details,
    });
    expect(await footprint(user.id, [user.email, unknownEmail])).toEqual(before);
    expect(before.resetRequests).toEqual([]);
  });
});
