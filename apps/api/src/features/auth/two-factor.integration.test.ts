import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { testConfig } from '../../../../../test/support/test-env.js';
import { useTestDatabase } from '../../../../../test/support/use-test-database.js';
import { apiClient, buildSignup, failureOf, tokensOf } from '../../testing/http.js';
import { startTestApi, type TestApi } from '../../testing/start-test-api.js';
import { createTestClock, midTotpStep } from '../../testing/test-clock.js';

const database = useTestDatabase();

const STEP_MS = 30_000;
const CHALLENGE_TTL_SECONDS = 120;
const STEP_UP_WINDOW_SECONDS = 300;

/** The auth use cases read this clock: tests move time instead of waiting. */
const clock = createTestClock(midTotpStep(STEP_MS));

/** The code an authenticator shows `steps` periods away from the clock's now. */
const codeAt = (secret: string, steps = 0) =>
  generate({ secret, epoch: Math.floor(clock.nowMs / 1000) + steps * (STEP_MS / 1000) });

async function failure(call: Promise<unknown>) {
  const error = await failureOf(call);
  return { code: error.data?.code, details: error.data?.details ?? null };
}

describe('TOTP two-factor and step-up', () => {
  let api: TestApi;
  beforeAll(async () => {
    const config = testConfig({
      DATABASE_URL: database.url,
      AUTH_MFA_CHALLENGE_TTL_SECONDS: String(CHALLENGE_TTL_SECONDS),
      AUTH_STEP_UP_WINDOW_SECONDS: String(STEP_UP_WINDOW_SECONDS),
    });
    api = await startTestApi(config, { clock });
  });
  afterAll(async () => {
    await api.close();
  });

  async function signUp() {
    const input = buildSignup();
    const { user, tokens } = await apiClient(api.url).auth.signup.mutate(input);
    return { input, user, client: apiClient(api.url, { token: tokens.accessToken }), sessionId: tokens.sessionId };
  }

  /** A user with two-factor confirmed; the clock has moved one step past the confirming code. */
  async function enrolledUser() {
    const account = await signUp();
    const { otpauthUri, qrCode } = await account.client.auth.twoFactor.enroll.mutate();
    const secret = new URL(otpauthUri).searchParams.get('secret') ?? '';
    const { recoveryCodes } = await account.client.auth.twoFactor.confirm.mutate({ code: await codeAt(secret) });
    clock.advanceSeconds(30);
    return { ...account, secret, recoveryCodes, otpauthUri, qrCode };
  }

  async function challengeFor(input: { email: string; password: string }) {
    const result = await apiClient(api.url).auth.login.mutate({ email: input.email, password: input.password });
    if (!('mfaRequired' in result)) throw new Error('expected an MFA challenge');
    return result.challenge;
  }

  const auditTypes = async (userId: string) =>
    (await api.db('audit_events').where({ actor_user_id: userId }).orderBy('created_at').select('type')).map(
      (row: { type: string }) => row.type,
    );

  test('when enrolling and confirming, then login answers a challenge instead of tokens, and a code completes it', async () => {
    const { input, user, secret, recoveryCodes, otpauthUri, qrCode } = await enrolledUser();

    const login = await apiClient(api.url).auth.login.mutate({ email: input.email, password: input.password });
    const challenge = 'mfaRequired' in login ? login.challenge : '';
    const tokens = await apiClient(api.url).auth.completeMfa.mutate({ challenge, code: await codeAt(secret) });
    const me = await apiClient(api.url, { token: tokens.accessToken }).auth.me.query();

    expect(otpauthUri).toMatch(/^otpauth:\/\/totp\/Groundwork:/);
    expect(qrCode).toMatch(/^data:image\/png;base64,/);
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    expect(login).toMatchObject({ mfaRequired: true });
    expect(login).not.toHaveProperty('accessToken');
    expect(me.user.id).toBe(user.id);
    expect(await auditTypes(user.id)).toEqual(
      expect.arrayContaining(['two_factor.enrollment_started', 'two_factor.enabled', 'login.mfa_required']),
    );
  });

  test('when the secret is stored, then it is sealed, and enrolling again after confirmation is refused', async () => {
    const { user, client, secret } = await enrolledUser();

    const row: { secretCiphertext: Buffer } = await api
      .db('two_factor_credentials')
      .where({ user_id: user.id })
      .first('secret_ciphertext as secretCiphertext');
    const again = await failure(client.auth.twoFactor.enroll.mutate());

    expect(row.secretCiphertext.toString('latin1')).not.toContain(secret);
    expect(again.code).toBe('CONFLICT');
  });

  test('when the same code is presented twice, then the second use is refused (replay)', async () => {
    const { input, secret } = await enrolledUser();
    const code = await codeAt(secret);
    await apiClient(api.url).auth.completeMfa.mutate({ challenge: await challengeFor(input), code });

    const replay = await failure(
      apiClient(api.url).auth.completeMfa.mutate({ challenge: await challengeFor(input), code }),
    );

    expect(replay.code).toBe('UNAUTHORIZED');
  });

  test('when a code is one step early or late, then it is accepted; two steps away, refused', async () => {
    const { input, secret } = await enrolledUser();
    clock.advanceSeconds(60);

    const twoBehind = await failure(
      apiClient(api.url).auth.completeMfa.mutate({
        challenge: await challengeFor(input),
        code: await codeAt(secret, -2),
      }),
    );
    const twoAhead = await failure(
      apiClient(api.url).auth.completeMfa.mutate({
        challenge: await challengeFor(input),
        code: await codeAt(secret, 2),
      }),
    );
    const oneBehind = await apiClient(api.url).auth.completeMfa.mutate({
      challenge: await challengeFor(input),
      code: await codeAt(secret, -1),
    });
    const oneAhead = await apiClient(api.url).auth.completeMfa.mutate({
      challenge: await challengeFor(input),
      code: await codeAt(secret, 1),
    });

    expect(twoBehind.code).toBe('UNAUTHORIZED');
    expect(twoAhead.code).toBe('UNAUTHORIZED');
    expect(oneBehind.accessToken).toBeTruthy();
    expect(oneAhead.accessToken).toBeTruthy();
  });

  test('when a recovery code completes a login, then it works once', async () => {
    const { input, user, recoveryCodes } = await enrolledUser();
    const code = (recoveryCodes[3] ?? '').toLowerCase();

    const first = await apiClient(api.url).auth.completeMfa.mutate({ challenge: await challengeFor(input), code });
    const second = await failure(
      apiClient(api.url).auth.completeMfa.mutate({ challenge: await challengeFor(input), code }),
    );

    expect(first.accessToken).toBeTruthy();
    expect(second.code).toBe('UNAUTHORIZED');
    expect(await auditTypes(user.id)).toContain('two_factor.recovery_code_used');
  });

  test('when codes are guessed, then the user is limited after five tries, even with the right code after', async () => {
    const { input, secret } = await enrolledUser();
    const challenge = await challengeFor(input);
    const guesses = ['000000', '111111', '222222', '333333', '444444'];

    const answers = [];
    for (const code of guesses) {
      answers.push((await failure(apiClient(api.url).auth.completeMfa.mutate({ challenge, code }))).code);
    }
    const right = await failure(apiClient(api.url).auth.completeMfa.mutate({ challenge, code: await codeAt(secret) }));

    expect(answers).toEqual(Array(5).fill('UNAUTHORIZED'));
    expect(right.code).toBe('TOO_MANY_REQUESTS');
    expect(right.details).toMatchObject({ retryAfterSeconds: expect.any(Number) as number });
  });

  test('when a challenge was used, then it cannot complete a second sign-in', async () => {
    const { input, secret } = await enrolledUser();
    const challenge = await challengeFor(input);
    await apiClient(api.url).auth.completeMfa.mutate({ challenge, code: await codeAt(secret) });
    clock.advanceSeconds(30);

    const reuse = await failure(apiClient(api.url).auth.completeMfa.mutate({ challenge, code: await codeAt(secret) }));

    expect(reuse.code).toBe('UNAUTHORIZED');
  });

  test('when a challenge has expired, then a right code does not complete it', async () => {
    const { input, secret } = await enrolledUser();
    const challenge = await challengeFor(input);
    clock.advanceSeconds(CHALLENGE_TTL_SECONDS + 1);

    const late = await failure(apiClient(api.url).auth.completeMfa.mutate({ challenge, code: await codeAt(secret) }));

    expect(late.code).toBe('UNAUTHORIZED');
  });

  test('when a challenge is forged or malformed, then it is refused before any code is checked', async () => {
    const forged = `gwm_${'A'.repeat(43)}`;

    const unknown = await failure(apiClient(api.url).auth.completeMfa.mutate({ challenge: forged, code: '123456' }));
    const malformed = await failure(apiClient(api.url).auth.completeMfa.mutate({ challenge: 'x', code: '123456' }));

    expect(unknown.code).toBe('UNAUTHORIZED');
    expect(malformed.code).toBe('BAD_REQUEST');
  });

  test('when disabling, then both the password and a code are needed, and a failed try changes nothing', async () => {
    const { input, user, client, secret } = await enrolledUser();

    const wrongPassword = await failure(
      client.auth.twoFactor.disable.mutate({ password: 'not-my-password-9', code: await codeAt(secret) }),
    );
    const wrongCode = await failure(client.auth.twoFactor.disable.mutate({ password: input.password, code: '000000' }));
    const stillEnrolled = await apiClient(api.url).auth.login.mutate({ email: input.email, password: input.password });
    const disabled = await client.auth.twoFactor.disable.mutate({
      password: input.password,
      code: await codeAt(secret),
    });
    const plainLogin = await apiClient(api.url).auth.login.mutate({ email: input.email, password: input.password });

    expect(wrongPassword).toMatchObject({ code: 'FORBIDDEN', details: { field: 'password' } });
    expect(wrongCode).toMatchObject({ code: 'FORBIDDEN', details: { field: 'code' } });
    expect(stillEnrolled).toMatchObject({ mfaRequired: true });
    expect(disabled.endedSessions).toBe(0);
    expect(tokensOf(plainLogin).accessToken).toBeTruthy();
    expect(await auditTypes(user.id)).toContain('two_factor.disabled');
  });

  test('when confirming with endOtherSessions, then the other sessions end and this one stays', async () => {
    const { input, client } = await signUp();
    const laptop = tokensOf(
      await apiClient(api.url).auth.login.mutate({ email: input.email, password: input.password }),
    );
    const { otpauthUri } = await client.auth.twoFactor.enroll.mutate();
    const secret = new URL(otpauthUri).searchParams.get('secret') ?? '';

    const confirmed = await client.auth.twoFactor.confirm.mutate({
      code: await codeAt(secret),
      endOtherSessions: true,
    });
    clock.advanceSeconds(30);

    expect(confirmed.endedSessions).toBe(1);
    expect((await failure(apiClient(api.url, { token: laptop.accessToken }).auth.me.query())).code).toBe(
      'UNAUTHORIZED',
    );
    expect((await client.auth.me.query()).user.email).toBe(input.email);
  });

  test('when the last sign-in is older than the window, then sensitive actions need a step-up, and reauthenticate opens it', async () => {
    const { input, client } = await signUp();
    clock.advanceSeconds(STEP_UP_WINDOW_SECONDS + 1);
    const newPassword = buildSignup().password;

    const refusedPassword = await failure(
      client.auth.changePassword.mutate({ currentPassword: input.password, newPassword }),
    );
    const refusedEnroll = await failure(client.auth.twoFactor.enroll.mutate());
    const refusedDeletion = await failure(client.auth.deleteAccount.mutate({ password: input.password }));
    const wrongReauth = await failure(client.auth.reauthenticate.mutate({ password: 'not-my-password-9' }));
    const stepUp = await client.auth.reauthenticate.mutate({ password: input.password });
    const changed = await client.auth.changePassword.mutate({ currentPassword: input.password, newPassword });

    expect(refusedPassword).toMatchObject({ code: 'FORBIDDEN', details: { reason: 'STEP_UP_REQUIRED' } });
    expect(refusedEnroll).toMatchObject({ code: 'FORBIDDEN', details: { reason: 'STEP_UP_REQUIRED' } });
    expect(refusedDeletion).toMatchObject({ code: 'FORBIDDEN', details: { reason: 'STEP_UP_REQUIRED' } });
    expect(wrongReauth).toMatchObject({ code: 'FORBIDDEN', details: { field: 'password' } });
    expect(new Date(stepUp.validUntil).getTime()).toBe(clock.nowMs + STEP_UP_WINDOW_SECONDS * 1000);
    expect(changed.accessToken).toBeTruthy();
  });

  test('when two-factor is on, then reauthenticating needs a code besides the password', async () => {
    const { input, client, secret } = await enrolledUser();
    clock.advanceSeconds(STEP_UP_WINDOW_SECONDS + 1);

    const passwordOnly = await failure(client.auth.reauthenticate.mutate({ password: input.password }));
    const stillRefused = await failure(client.auth.twoFactor.enroll.mutate());
    await client.auth.reauthenticate.mutate({ password: input.password, code: await codeAt(secret) });
    const afterStepUp = await failure(client.auth.twoFactor.enroll.mutate());

    expect(passwordOnly).toMatchObject({ code: 'FORBIDDEN', details: { reason: 'SECOND_FACTOR_REQUIRED' } });
    expect(stillRefused.details).toMatchObject({ reason: 'STEP_UP_REQUIRED' });
    // Past the step-up gate, enrolment itself refuses: two-factor is already on.
    expect(afterStepUp.code).toBe('CONFLICT');
  });

  test("when a challenge is completed with another user's valid code, then it is refused", async () => {
    const victim = await enrolledUser();
    const attacker = await enrolledUser();

    const crossed = await failure(
      apiClient(api.url).auth.completeMfa.mutate({
        challenge: await challengeFor(victim.input),
        code: await codeAt(attacker.secret),
      }),
    );

    expect(crossed.code).toBe('UNAUTHORIZED');
  });

  test('when confirming with a wrong code, then two-factor stays off and login still answers tokens', async () => {
    const { input, client } = await signUp();
    await client.auth.twoFactor.enroll.mutate();

    const wrong = await failure(client.auth.twoFactor.confirm.mutate({ code: '000000' }));
    const login = await apiClient(api.url).auth.login.mutate({ email: input.email, password: input.password });

    expect(wrong).toMatchObject({ code: 'FORBIDDEN', details: { field: 'code' } });
    expect(tokensOf(login).accessToken).toBeTruthy();
  });

  test('when disabling with endOtherSessions, then the other sessions end', async () => {
    const { input, client, secret } = await enrolledUser();
    const other = await apiClient(api.url).auth.completeMfa.mutate({
      challenge: await challengeFor(input),
      code: await codeAt(secret),
    });
    clock.advanceSeconds(30);

    const disabled = await client.auth.twoFactor.disable.mutate({
      password: input.password,
      code: await codeAt(secret),
      endOtherSessions: true,
    });

    expect(disabled.endedSessions).toBe(1);
    expect((await failure(apiClient(api.url, { token: other.accessToken }).auth.me.query())).code).toBe('UNAUTHORIZED');
  });

  test('when the password check passed but the challenge is pending, then no session exists yet', async () => {
    const { input, user } = await enrolledUser();
    const sessionsBefore = await api.db('refresh_tokens').where({ user_id: user.id }).count<{ count: string }[]>();

    await challengeFor(input);

    const sessionsAfter = await api.db('refresh_tokens').where({ user_id: user.id }).count<{ count: string }[]>();
    expect(sessionsAfter[0]?.count).toBe(sessionsBefore[0]?.count);
  });
});
