import type { ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { type MailStack, startMailStack } from '../../../../../test/support/mail-stack.js';
import type { SmtpCatcher } from '../../../../../test/support/smtp-catcher.js';
import { useTestDatabase } from '../../../../../test/support/use-test-database.js';
import { apiClient, buildSignup, failureOf, tokensOf } from '../../testing/http.js';
import type { TestApi } from '../../testing/start-test-api.js';
import { createTestClock } from '../../testing/test-clock.js';

const database = useTestDatabase();
const STEP_UP_WINDOW_SECONDS = 300;
const CONFIRM_SUBJECT = /confirm your new e-mail/i;
const NOTICE_REQUESTED = /change of your e-mail address was requested/i;
const NOTICE_COMPLETED = /your e-mail address was changed/i;

/** The auth use cases read this clock: the step-up window passes without waiting. */
const clock = createTestClock();

function confirmToken(mail: ParsedMail): string {
  const url = /https:\/\/app\.example\.test\/confirm-email-change\?token=\S+/.exec(mail.text ?? '')?.[0];
  const token = url ? new URL(url).searchParams.get('token') : null;
  if (!token) throw new Error(`no confirmation link in the mail: ${mail.subject ?? ''} ${mail.text ?? ''}`);
  return token;
}

async function failure(call: Promise<unknown>) {
  const error = await failureOf(call);
  return { code: error.data?.code, details: error.data?.details ?? null };
}

describe('changing the e-mail address: step-up, a link to the new address, a notice to the old one', () => {
  let smtp: SmtpCatcher;
  let api: TestApi;
  let stack: MailStack;
  beforeAll(async () => {
    stack = await startMailStack(database.url, {
      env: { AUTH_STEP_UP_WINDOW_SECONDS: String(STEP_UP_WINDOW_SECONDS) },
      api: { clock },
    });
    ({ smtp, api } = stack);
  });
  afterAll(async () => {
    await stack.close();
  });

  async function signUp() {
    const input = buildSignup();
    const { tokens } = await apiClient(api.url).auth.signup.mutate(input);
    return { input, client: apiClient(api.url, { token: tokens.accessToken }) };
  }

  test('when the new address confirms, then the account moves to it verified, signs in with it, and the old address is told twice', async () => {
    const { input, client } = await signUp();
    const newEmail = buildSignup().email;
    const from = smtp.received.length;

    await client.auth.requestEmailChange.mutate({ newEmail: newEmail.toUpperCase() });
    const confirm = await smtp.mailTo(newEmail, from, CONFIRM_SUBJECT);
    const requested = await smtp.mailTo(input.email, from, NOTICE_REQUESTED);
    expect((await client.auth.me.query()).user.email).toBe(input.email); // nothing moves before the link

    const token = confirmToken(confirm);
    await expect(apiClient(api.url).auth.confirmEmailChange.mutate({ token })).resolves.toEqual({ email: newEmail });

    const me = (await client.auth.me.query()).user;
    expect(me.email).toBe(newEmail);
    expect(me.emailVerifiedAt).not.toBeNull();
    const login = tokensOf(await apiClient(api.url).auth.login.mutate({ email: newEmail, password: input.password }));
    expect(login.accessToken).toBeTruthy();
    expect(
      (await failure(apiClient(api.url).auth.login.mutate({ email: input.email, password: input.password }))).code,
    ).toBe('UNAUTHORIZED');
    expect((await failure(apiClient(api.url).auth.confirmEmailChange.mutate({ token }))).code).toBe('BAD_REQUEST');
    const completed = await smtp.mailTo(input.email, from, NOTICE_COMPLETED);
    // The old mailbox learns that something happened, not the whole new address.
    for (const notice of [requested, completed]) {
      expect(notice.text).toContain(`${newEmail.slice(0, 1)}…@example.test`);
      expect(notice.text).not.toContain(newEmail);
      expect(notice.text).not.toContain('token=');
    }
    const audit = await api.db('auditEvents').where({ actorUserId: me.id }).orderBy('id').pluck<string[]>('type');
    expect(audit.filter((type) => type.startsWith('email.change'))).toEqual([
      'email.change_requested',
      'email.changed',
    ]);
  });

  test('when the last sign-in is older than the step-up window, then the change is refused until the user re-authenticates', async () => {
    const { input, client } = await signUp();
    clock.advanceSeconds(STEP_UP_WINDOW_SECONDS + 1);
    const newEmail = buildSignup().email;

    const refused = await failure(client.auth.requestEmailChange.mutate({ newEmail }));
    await client.auth.reauthenticate.mutate({ password: input.password });
    await client.auth.requestEmailChange.mutate({ newEmail });

    expect(refused).toMatchObject({ code: 'FORBIDDEN', details: { reason: 'STEP_UP_REQUIRED' } });
    expect(await api.db('accountTokens').where({ purpose: 'email_change', email: newEmail })).toHaveLength(1);
  });

  test('when another account holds the new address, then the answer is the same but no link is sent, and a link whose address was taken meanwhile changes nothing', async () => {
    const taken = await signUp();
    const { input, client } = await signUp();
    const from = smtp.received.length;

    await expect(client.auth.requestEmailChange.mutate({ newEmail: taken.input.email })).resolves.toEqual({ ok: true });
    await smtp.mailTo(input.email, from, NOTICE_REQUESTED);
    expect(await api.db('accountTokens').where({ purpose: 'email_change', email: taken.input.email })).toHaveLength(0);
    expect(
      await api.db('outboundEmails').where({ recipient: taken.input.email, template: 'email-change' }),
    ).toHaveLength(0);

    // Free when asked, taken by a signup before the link is used.
    const racedAddress = buildSignup().email;
    await client.auth.requestEmailChange.mutate({ newEmail: racedAddress });
    const token = confirmToken(await smtp.mailTo(racedAddress, from, CONFIRM_SUBJECT));
    await apiClient(api.url).auth.signup.mutate(buildSignup({ email: racedAddress }));

    const conflict = await failure(apiClient(api.url).auth.confirmEmailChange.mutate({ token }));
    expect(conflict.code).toBe('CONFLICT');
    expect((await client.auth.me.query()).user.email).toBe(input.email);
  });

  test('when a newer change is requested, then only its link works; the current address and a malformed one are refused', async () => {
    const { input, client } = await signUp();
    const first = buildSignup().email;
    const second = buildSignup().email;
    const from = smtp.received.length;

    await client.auth.requestEmailChange.mutate({ newEmail: first });
    const firstToken = confirmToken(await smtp.mailTo(first, from, CONFIRM_SUBJECT));
    await client.auth.requestEmailChange.mutate({ newEmail: second });
    const secondToken = confirmToken(await smtp.mailTo(second, from, CONFIRM_SUBJECT));

    const superseded = await failure(apiClient(api.url).auth.confirmEmailChange.mutate({ token: firstToken }));
    const same = await failure(client.auth.requestEmailChange.mutate({ newEmail: input.email }));
    const malformed = await failure(client.auth.requestEmailChange.mutate({ newEmail: 'not an address' }));
    await expect(apiClient(api.url).auth.confirmEmailChange.mutate({ token: secondToken })).resolves.toEqual({
      email: second,
    });

    expect(superseded.code).toBe('BAD_REQUEST');
    expect(same).toMatchObject({ code: 'BAD_REQUEST', details: { field: 'newEmail' } });
    expect(malformed.code).toBe('BAD_REQUEST');
  });
});
