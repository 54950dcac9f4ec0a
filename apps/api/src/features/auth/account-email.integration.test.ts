import { randomUUID } from 'node:crypto';

import type { ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import type { TestWorker } from '../../../../../test/support/billing-stack.js';
import { type MailStack, startMailStack } from '../../../../../test/support/mail-stack.js';
import type { SmtpCatcher } from '../../../../../test/support/smtp-catcher.js';
import { testConfig, uniqueKeyPrefix } from '../../../../../test/support/test-env.js';
import { useTestDatabase } from '../../../../../test/support/use-test-database.js';
import { apiClient, buildSignup, failureOf, rawCall } from '../../testing/http.js';
import { startTestApi, type TestApi } from '../../testing/start-test-api.js';

const database = useTestDatabase();
const RESET_SUBJECT = /password/i;

/** The link's token, read from the mail as the front end would read it from its address bar. */
function linkToken(mail: ParsedMail, page: 'verify-email' | 'reset-password'): string {
  const url = new RegExp(`https://app\\.example\\.test/${page}\\?token=\\S+`).exec(mail.text ?? '')?.[0];
  const token = url ? new URL(url).searchParams.get('token') : null;
  if (!token) throw new Error(`no ${page} link in the mail: ${mail.subject ?? ''} ${mail.text ?? ''}`);
  return token;
}

describe('account e-mail: verification and password reset, from the API through the worker to the mailbox', () => {
  let smtp: SmtpCatcher;
  let api: TestApi;
  let worker: TestWorker;
  let stack: MailStack;
  beforeAll(async () => {
    stack = await startMailStack(database.url);
    ({ smtp, api, worker } = stack);
  });
  afterAll(async () => {
    await stack.close();
  });

  /** Resolves when the worker has served the reset request sent with `requestId` (attach before making it). */
  function resetRequestHandled(requestId: string): Promise<void> {
    const housekeeping = worker.running.workers.find((candidate) => candidate.name === 'housekeeping');
    if (!housekeeping) throw new Error('no housekeeping worker');
    return new Promise((resolve) => {
      const onCompleted = (job: { name: string; data: unknown }) => {
        if (job.name !== 'password-reset-request' || (job.data as { requestId?: string }).requestId !== requestId) {
          return;
        }
        housekeeping.off('completed', onCompleted);
        resolve();
      };
      housekeeping.on('completed', onCompleted);
    });
  }

  async function signUp() {
    const input = buildSignup();
    const from = smtp.received.length;
    const { user, tokens } = await apiClient(api.url).auth.signup.mutate(input);
    return { input, user, tokens, from };
  }

  test('when a user signs up, then a verification link arrives, verifies the address once, and is refused after', async () => {
    const { input, tokens, from } = await signUp();
    const client = apiClient(api.url, { token: tokens.accessToken });
    expect((await client.auth.me.query()).user.emailVerifiedAt).toBeNull();

    const token = linkToken(await smtp.mailTo(input.email, from), 'verify-email');

    await expect(apiClient(api.url).auth.verifyEmail.mutate({ token })).resolves.toEqual({ email: input.email });
    expect((await client.auth.me.query()).user.emailVerifiedAt).not.toBeNull();
    const reuse = await failureOf(apiClient(api.url).auth.verifyEmail.mutate({ token }));
    expect(reuse.data?.code).toBe('BAD_REQUEST');
    const resend = await failureOf(client.auth.resendVerification.mutate());
    expect(resend.data?.code).toBe('CONFLICT');
  });

  test('when verification is resent, then only the newest link works', async () => {
    const { input, tokens, from } = await signUp();
    const client = apiClient(api.url, { token: tokens.accessToken });
    const first = linkToken(await smtp.mailTo(input.email, from), 'verify-email');
    const beforeResend = smtp.received.length;
    await client.auth.resendVerification.mutate();
    const newest = linkToken(await smtp.mailTo(input.email, beforeResend), 'verify-email');

    expect((await failureOf(apiClient(api.url).auth.verifyEmail.mutate({ token: first }))).data?.code).toBe(
      'BAD_REQUEST',
    );
    await expect(apiClient(api.url).auth.verifyEmail.mutate({ token: newest })).resolves.toEqual({
      email: input.email,
    });
  });

  test('when a reset is requested for an address with and one without an account, then the answers are identical and only the account gets mail', async () => {
    const { input, from } = await signUp();
    const unknown = buildSignup().email;

    const strangerRequestId = `reset-stranger-${randomUUID()}`;
    const strangerHandled = resetRequestHandled(strangerRequestId);

    const known = await rawCall(api.url, 'auth.requestPasswordReset', { body: { email: input.email } });
    const stranger = await rawCall(api.url, 'auth.requestPasswordReset', {
      body: { email: unknown },
      headers: { 'x-request-id': strangerRequestId },
    });

    expect(known.status).toBe(200);
    expect(stranger.status).toBe(known.status);
    expect(stranger.text).toBe(known.text);
    await smtp.mailTo(input.email, from, RESET_SUBJECT);
    await strangerHandled;
    expect(await api.db('outboundEmails').where({ recipient: unknown })).toHaveLength(0);
    expect(smtp.received.some((received) => JSON.stringify(received.to).includes(unknown))).toBe(false);
  });

  test('when the reset link is used, then the password changes once and every earlier session and refresh token is refused', async () => {
    const { input, tokens, from } = await signUp();
    await apiClient(api.url).auth.requestPasswordReset.mutate({ email: input.email });
    const token = linkToken(await smtp.mailTo(input.email, from, RESET_SUBJECT), 'reset-password');
    const newPassword = `${input.password}-new`;

    await apiClient(api.url).auth.resetPassword.mutate({ token, newPassword });

    const oldAccess = await failureOf(apiClient(api.url, { token: tokens.accessToken }).auth.me.query());
    expect(oldAccess.data?.code).toBe('UNAUTHORIZED');
    const oldRefresh = await failureOf(
      apiClient(api.url).auth.refresh.mutate({ refreshToken: tokens.refreshToken ?? '' }),
    );
    expect(oldRefresh.data?.code).toBe('UNAUTHORIZED');
    const again = await failureOf(
      apiClient(api.url).auth.resetPassword.mutate({ token, newPassword: `${newPassword}-again` }),
    );
    expect(again.data?.code).toBe('BAD_REQUEST');
    const oldLogin = await failureOf(
      apiClient(api.url).auth.login.mutate({ email: input.email, password: input.password }),
    );
    expect(oldLogin.data?.code).toBe('UNAUTHORIZED');
    await expect(
      apiClient(api.url).auth.login.mutate({ email: input.email, password: newPassword }),
    ).resolves.toMatchObject({ accessToken: expect.any(String) as string });
  });

  test('when a reset link was superseded or has expired, then it is refused and the password stays', async () => {
    const { input, from } = await signUp();
    await apiClient(api.url).auth.requestPasswordReset.mutate({ email: input.email });
    const superseded = await smtp.mailTo(input.email, from, RESET_SUBJECT);
    await apiClient(api.url).auth.requestPasswordReset.mutate({ email: input.email });
    const newest = linkToken(
      await smtp.mailTo(input.email, smtp.received.indexOf(superseded) + 1, RESET_SUBJECT),
      'reset-password',
    );

    const refusedOld = await failureOf(
      apiClient(api.url).auth.resetPassword.mutate({
        token: linkToken(superseded, 'reset-password'),
        newPassword: `${input.password}-x`,
      }),
    );
    expect(refusedOld.data?.code).toBe('BAD_REQUEST');
    await api
      .db('accountTokens')
      .whereIn('userId', api.db('users').select('id').where({ email: input.email }))
      .update({ expiresAt: new Date(Date.now() - 1_000) });
    const refusedExpired = await failureOf(
      apiClient(api.url).auth.resetPassword.mutate({ token: newest, newPassword: `${input.password}-x` }),
    );
    expect(refusedExpired.data?.code).toBe('BAD_REQUEST');
    await expect(
      apiClient(api.url).auth.login.mutate({ email: input.email, password: input.password }),
    ).resolves.toMatchObject({ accessToken: expect.any(String) as string });
  });
});

/**
 * The Mann-Whitney U statistic of `a` against `b` as a z score (normal
 * approximation, average ranks for ties): near 0 when neither sample tends
 * to be larger; beyond ±3.29 only 1 time in 1000 when both come from one distribution.
 */
function mannWhitneyZ(a: number[], b: number[]): number {
  const all = [...a.map((value) => ({ value, fromA: true })), ...b.map((value) => ({ value, fromA: false }))].sort(
    (x, y) => x.value - y.value,
  );
  let rankSumA = 0;
  for (let start = 0; start < all.length;) {
    let end = start;
    while (end + 1 < all.length && all[end + 1]?.value === all[start]?.value) end += 1;
    const averageRank = (start + end) / 2 + 1;
    for (let index = start; index <= end; index += 1) if (all[index]?.fromA) rankSumA += averageRank;
    start = end + 1;
  }
  const u = rankSumA - (a.length * (a.length + 1)) / 2;
  const mean = (a.length * b.length) / 2;
  const deviation = Math.sqrt((a.length * b.length * (a.length + b.length + 1)) / 12);
  return (u - mean) / deviation;
}

describe('account e-mail: the limits, API only, 2 an hour', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi(
      testConfig({
        DATABASE_URL: database.url,
        REDIS_KEY_PREFIX: uniqueKeyPrefix(),
        RATE_LIMIT_ACCOUNT_EMAIL: '2/hour',
        TRUST_PROXY: '1',
      }),
    );
  });
  afterAll(async () => {
    await api.close();
  });
  const from = (ip: string) => ({ 'x-forwarded-for': ip });

  test('when verification is resent too often for one account, then it is limited even from fresh addresses, and per client address across accounts', async () => {
    const signUp = async () => (await apiClient(api.url).auth.signup.mutate(buildSignup())).tokens.accessToken;
    const ada = await signUp();
    const resend = (token: string, ip: string) =>
      apiClient(api.url, { token, headers: from(ip) }).auth.resendVerification.mutate();

    await resend(ada, '203.0.113.1');
    await resend(ada, '203.0.113.2');
    expect((await failureOf(resend(ada, '203.0.113.3'))).data?.code).toBe('TOO_MANY_REQUESTS');

    const [bo, cy] = [await signUp(), await signUp()];
    await resend(bo, '203.0.113.9');
    await resend(cy, '203.0.113.9');
    expect((await failureOf(resend(await signUp(), '203.0.113.9'))).data?.code).toBe('TOO_MANY_REQUESTS');
  });

  test('when resets are asked for one address too often, then it is limited the same way whether or not the address has an account', async () => {
    const { user } = await apiClient(api.url).auth.signup.mutate(buildSignup());
    const stranger = buildSignup().email;
    const ask = (email: string, ip: string) =>
      rawCall(api.url, 'auth.requestPasswordReset', { body: { email }, headers: from(ip) });

    const answers = [];
    for (const email of [user.email, stranger]) {
      await ask(email, '192.0.2.1');
      await ask(email, '192.0.2.2');
      answers.push(await ask(email, '192.0.2.3'));
    }

    expect(answers.map((answer) => answer.status)).toEqual([429, 429]);
    // The same answer but for the request's own id and the seconds left.
    const shape = (body: unknown) =>
      JSON.stringify(body)
        .replace(/"requestId":"[^"]*"/, '')
        .replace(/\d+/g, 'n');
    expect(shape(answers[0]?.body)).toBe(shape(answers[1]?.body));
  });
});

// No worker here: run in this process, it would send the known address's mail while the
// next request is timed, which is not what a client of a separate API process sees.
describe('account e-mail: the timing of reset requests, API only', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi(testConfig({ DATABASE_URL: database.url, REDIS_KEY_PREFIX: uniqueKeyPrefix() }));
  });
  afterAll(async () => {
    await api.close();
  });

  test('when 200 reset requests alternate between an address with and one without an account, then their latencies are not told apart', async () => {
    const { user } = await apiClient(api.url).auth.signup.mutate(buildSignup());
    const stranger = buildSignup().email;
    const latencies: Record<'known' | 'stranger', number[]> = { known: [], stranger: [] };
    for (let index = 0; index < 200; index += 1) {
      const which = index % 2 === 0 ? 'known' : 'stranger';
      const email = which === 'known' ? user.email : stranger;
      const started = process.hrtime.bigint();
      const response = await rawCall(api.url, 'auth.requestPasswordReset', {
        body: { email },
      });
      latencies[which].push(Number(process.hrtime.bigint() - started));
      expect(response.status).toBe(200);
    }

    expect(Math.abs(mannWhitneyZ(latencies.known, latencies.stranger))).toBeLessThan(3.29);
  });
});
