import { createPasskeyRepository } from '@groundwork/db';
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { SoftwareAuthenticator } from '../../../../../test/support/software-authenticator.js';
import { testConfig } from '../../../../../test/support/test-env.js';
import { useTestDatabase } from '../../../../../test/support/use-test-database.js';
import { apiClient, buildSignup, failureOf, rawCall, tokensOf } from '../../testing/http.js';
import { startTestApi, type TestApi } from '../../testing/start-test-api.js';
import { createTestClock, midTotpStep } from '../../testing/test-clock.js';

const database = useTestDatabase();

const ORIGIN = 'http://localhost:5173';
const RP_ID = 'localhost';
const STEP_UP_WINDOW_SECONDS = 300;
const MAX_CONSECUTIVE_FAILURES = 5;
const STEP_MS = 30_000;
const CHALLENGE_TTL_SECONDS = 120;

/** The auth use cases read this clock: tests move time (step-up window, TOTP steps) instead of waiting. */
const clock = createTestClock(midTotpStep(STEP_MS));

async function failure(call: Promise<unknown>) {
  const error = await failureOf(call);
  return { code: error.data?.code, details: error.data?.details ?? null };
}

describe('passkeys (WebAuthn) through the API, with a software authenticator', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi(
      testConfig({
        DATABASE_URL: database.url,
        WEBAUTHN_RP_ID: RP_ID,
        WEBAUTHN_ORIGINS: ORIGIN,
        WEBAUTHN_CHALLENGE_TTL_SECONDS: String(CHALLENGE_TTL_SECONDS),
        AUTH_STEP_UP_WINDOW_SECONDS: String(STEP_UP_WINDOW_SECONDS),
        LOGIN_MAX_CONSECUTIVE_FAILURES: String(MAX_CONSECUTIVE_FAILURES),
      }),
      { clock },
    );
  });
  afterAll(async () => {
    await api.close();
  });

  const anonymous = () => apiClient(api.url);

  async function signUp() {
    const input = buildSignup();
    const { user, tokens } = await anonymous().auth.signup.mutate(input);
    return { input, user, client: apiClient(api.url, { token: tokens.accessToken }), sessionId: tokens.sessionId };
  }

  async function withPasskey() {
    const account = await signUp();
    const authenticator = new SoftwareAuthenticator({ origin: ORIGIN, rpId: RP_ID });
    const options = await account.client.auth.passkeys.registrationOptions.mutate();
    const { passkey } = await account.client.auth.passkeys.register.mutate({
      response: authenticator.createCredential(options),
      name: 'Laptop',
    });
    return { ...account, authenticator, passkey };
  }

  type Overrides = Parameters<SoftwareAuthenticator['getAssertion']>[1];

  async function passkeyLogin(
    authenticator: SoftwareAuthenticator,
    options: { email?: string; overrides?: Overrides } = {},
  ) {
    const start = await anonymous().auth.passkeys.loginOptions.mutate(
      options.email === undefined ? undefined : { email: options.email },
    );
    return anonymous().auth.passkeys.login.mutate({
      challengeId: start.challengeId,
      response: authenticator.getAssertion(start.options, options.overrides),
    });
  }

  async function mfaChallengeFor(input: { email: string; password: string }) {
    const result = await anonymous().auth.login.mutate({ email: input.email, password: input.password });
    if (!('mfaRequired' in result)) throw new Error('expected an MFA challenge');
    return result;
  }

  const auditTypes = async (userId: string) =>
    (await api.db('audit_events').where({ actor_user_id: userId }).orderBy('created_at').select('type')).map(
      (row: { type: string }) => row.type,
    );

  test('when a passkey is registered, then it is listed (never its key) and audited, and signs in without a password', async () => {
    const { user, client, authenticator, passkey } = await withPasskey();

    const listed = await client.auth.passkeys.list.query();
    const discoverable = await passkeyLogin(authenticator);
    const byEmail = await passkeyLogin(authenticator, { email: user.email });
    const me = await apiClient(api.url, { token: discoverable.accessToken }).auth.me.query();
    const row: { counter: string; lastUsedAt: Date | null } = await api
      .db('passkeys')
      .where({ id: passkey.id })
      .first('counter', 'last_used_at as lastUsedAt');

    expect(listed).toEqual([
      expect.objectContaining({ id: passkey.id, name: 'Laptop', deviceType: 'singleDevice', backedUp: false }),
    ]);
    expect(Object.keys(listed[0] ?? {})).not.toContain('publicKey');
    expect(me.user.id).toBe(user.id);
    expect(byEmail.accessToken).toBeTruthy();
    expect(Number(row.counter)).toBe(authenticator.signCount);
    expect(row.lastUsedAt).not.toBeNull();
    expect(await auditTypes(user.id)).toEqual(expect.arrayContaining(['passkey.registered', 'login.succeeded']));
  });

  test('when a TOTP user signs in with a passkey, then no TOTP step follows (user verification makes it multi-factor)', async () => {
    const { client, authenticator } = await withPasskey();
    const { otpauthUri } = await client.auth.twoFactor.enroll.mutate();
    const secret = new URL(otpauthUri).searchParams.get('secret') ?? '';
    await client.auth.twoFactor.confirm.mutate({
      code: await generate({ secret, epoch: Math.floor(clock.nowMs / 1000) }),
    });

    const tokens = await passkeyLogin(authenticator);

    expect(tokens).not.toHaveProperty('mfaRequired');
    expect(tokens.accessToken).toBeTruthy();
  });

  test('when a passkey owner signs in with the password, then a second factor is required and the passkey completes it', async () => {
    const { input, user, authenticator } = await withPasskey();

    const challenge = await mfaChallengeFor(input);
    const tokens = await anonymous().auth.completeMfaWithPasskey.mutate({
      challenge: challenge.challenge,
      response: authenticator.getAssertion(challenge.passkeyOptions ?? { challenge: '' }),
    });
    const me = await apiClient(api.url, { token: tokens.accessToken }).auth.me.query();

    expect(challenge.methods).toEqual(['passkey']);
    expect(challenge.passkeyOptions?.allowCredentials?.map((credential) => credential.id)).toEqual([
      authenticator.credentialIdBase64Url,
    ]);
    expect(challenge).not.toHaveProperty('accessToken');
    expect(me.user.id).toBe(user.id);
  });

  test("when the MFA challenge is answered by another user's passkey, then it is refused", async () => {
    const victim = await withPasskey();
    const attacker = await withPasskey();
    const challenge = await mfaChallengeFor(victim.input);

    const refused = await failure(
      anonymous().auth.completeMfaWithPasskey.mutate({
        challenge: challenge.challenge,
        response: attacker.authenticator.getAssertion(challenge.passkeyOptions ?? { challenge: '' }),
      }),
    );

    expect(refused.code).toBe('UNAUTHORIZED');
    expect(await auditTypes(victim.user.id)).toContain('login.mfa_failed');
    expect(await auditTypes(victim.user.id)).not.toContain('login.succeeded');
  });

  test('when a passkey answer to the MFA step is refused, then its challenge is spent, and a TOTP code still completes the step', async () => {
    const { input, client, authenticator } = await withPasskey();
    const { otpauthUri } = await client.auth.twoFactor.enroll.mutate();
    const secret = new URL(otpauthUri).searchParams.get('secret') ?? '';
    const codeNow = () => generate({ secret, epoch: Math.floor(clock.nowMs / 1000) });
    await client.auth.twoFactor.confirm.mutate({ code: await codeNow() });
    clock.advanceSeconds(30);
    const challenge = await mfaChallengeFor(input);
    const passkeyOptions = challenge.passkeyOptions ?? { challenge: '' };

    const foreignOrigin = await failure(
      anonymous().auth.completeMfaWithPasskey.mutate({
        challenge: challenge.challenge,
        response: authenticator.getAssertion(passkeyOptions, { origin: 'https://evil.example' }),
      }),
    );
    const retried = await failure(
      anonymous().auth.completeMfaWithPasskey.mutate({
        challenge: challenge.challenge,
        response: authenticator.getAssertion(passkeyOptions),
      }),
    );
    const withCode = await anonymous().auth.completeMfa.mutate({
      challenge: challenge.challenge,
      code: await codeNow(),
    });

    expect(challenge.methods).toEqual(['totp', 'passkey']);
    expect([foreignOrigin.code, retried.code]).toEqual(['UNAUTHORIZED', 'UNAUTHORIZED']);
    expect(withCode.accessToken).toBeTruthy();
  });

  test('when passkey answers to an MFA step keep failing, then the user is limited like TOTP guesses', async () => {
    const { input, authenticator } = await withPasskey();
    const challenge = await mfaChallengeFor(input);
    const attempts = [];
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const response = authenticator.getAssertion(challenge.passkeyOptions ?? { challenge: '' }, {
        userVerified: false,
      });
      attempts.push(
        (await failure(anonymous().auth.completeMfaWithPasskey.mutate({ challenge: challenge.challenge, response })))
          .code,
      );
    }

    const sixth = await failure(
      anonymous().auth.completeMfaWithPasskey.mutate({
        challenge: challenge.challenge,
        response: authenticator.getAssertion(challenge.passkeyOptions ?? { challenge: '' }),
      }),
    );

    expect(attempts).toEqual(Array(5).fill('UNAUTHORIZED'));
    expect(sixth.code).toBe('TOO_MANY_REQUESTS');
  });

  test('when a sign-in challenge has outlived WEBAUTHN_CHALLENGE_TTL_SECONDS, then a right answer is refused', async () => {
    const { authenticator } = await withPasskey();
    const start = await anonymous().auth.passkeys.loginOptions.mutate();
    clock.advanceSeconds(CHALLENGE_TTL_SECONDS + 1);

    const late = await failure(
      anonymous().auth.passkeys.login.mutate({
        challengeId: start.challengeId,
        response: authenticator.getAssertion(start.options),
      }),
    );

    expect(late.code).toBe('UNAUTHORIZED');
  });

  test('when two verified assertions with one counter race to be recorded, then exactly one is accepted', async () => {
    const { passkey } = await withPasskey();
    const passkeys = createPasskeyRepository(api.db);

    const outcomes = await Promise.all(
      Array.from({ length: 5 }, () => passkeys.recordUse({ id: passkey.id, newCounter: 7, backedUp: false })),
    );

    expect(outcomes.filter(Boolean)).toHaveLength(1);
    expect(await passkeys.recordUse({ id: passkey.id, newCounter: 8, backedUp: false })).toBe(true);
  });

  test("when sign-in options name an e-mail, then another account's passkey cannot answer them", async () => {
    const named = await withPasskey();
    const other = await withPasskey();

    const refused = await failure(passkeyLogin(other.authenticator, { email: named.user.email }));

    expect(refused.code).toBe('UNAUTHORIZED');
  });

  test('when a sign-in challenge is used twice, then the second use is refused', async () => {
    const { authenticator } = await withPasskey();
    const start = await anonymous().auth.passkeys.loginOptions.mutate();
    await anonymous().auth.passkeys.login.mutate({
      challengeId: start.challengeId,
      response: authenticator.getAssertion(start.options),
    });

    const replay = await failure(
      anonymous().auth.passkeys.login.mutate({
        challengeId: start.challengeId,
        response: authenticator.getAssertion(start.options),
      }),
    );

    expect(replay.code).toBe('UNAUTHORIZED');
  });

  test("when a session answers another session's registration options, then nothing is stored", async () => {
    const { input, client } = await signUp();
    const other = apiClient(api.url, {
      token: tokensOf(await anonymous().auth.login.mutate({ email: input.email, password: input.password }))
        .accessToken,
    });
    const authenticator = new SoftwareAuthenticator({ origin: ORIGIN, rpId: RP_ID });
    const options = await client.auth.passkeys.registrationOptions.mutate();

    const refused = await failure(
      other.auth.passkeys.register.mutate({ response: authenticator.createCredential(options) }),
    );

    expect(refused.code).toBe('BAD_REQUEST');
    expect(await client.auth.passkeys.list.query()).toEqual([]);
  });

  test('when the page origin is not configured, then registration and sign-in are refused', async () => {
    const { client, authenticator } = await withPasskey();
    const options = await client.auth.passkeys.registrationOptions.mutate();
    const foreign = new SoftwareAuthenticator({ origin: ORIGIN, rpId: RP_ID });

    const register = await failure(
      client.auth.passkeys.register.mutate({
        response: foreign.createCredential(options, { origin: 'https://evil.example' }),
      }),
    );
    const login = await failure(passkeyLogin(authenticator, { overrides: { origin: 'https://evil.example' } }));
    const otherRpId = await failure(passkeyLogin(authenticator, { overrides: { rpId: 'evil.example' } }));

    expect(register.code).toBe('BAD_REQUEST');
    expect(login.code).toBe('UNAUTHORIZED');
    expect(otherRpId.code).toBe('UNAUTHORIZED');
    expect(await client.auth.passkeys.list.query()).toHaveLength(1);
  });

  test('when an assertion carries a counter not above the stored one (a cloned authenticator), then it is refused', async () => {
    const { authenticator } = await withPasskey();
    await passkeyLogin(authenticator);
    const clone = authenticator.signCount;

    authenticator.signCount = clone - 2; // the clone's next assertion repeats an earlier counter
    const cloned = await failure(passkeyLogin(authenticator));
    authenticator.signCount = clone;
    const original = await passkeyLogin(authenticator);

    expect(cloned.code).toBe('UNAUTHORIZED');
    expect(original.accessToken).toBeTruthy();
  });

  test('when user verification is missing, then the passkey does not sign in', async () => {
    const { authenticator } = await withPasskey();

    const unverified = await failure(passkeyLogin(authenticator, { overrides: { userVerified: false } }));

    expect(unverified.code).toBe('UNAUTHORIZED');
  });

  test('when a passkey is removed, then it no longer signs in, and removing needs a recent sign-in', async () => {
    const { user, client, authenticator, passkey } = await withPasskey();
    clock.advanceSeconds(STEP_UP_WINDOW_SECONDS + 1);
    const stale = await failure(client.auth.passkeys.remove.mutate({ passkeyId: passkey.id }));
    await client.auth.passkeys.reauthenticate.mutate({
      response: authenticator.getAssertion(await client.auth.passkeys.reauthenticationOptions.mutate()),
    });

    await client.auth.passkeys.remove.mutate({ passkeyId: passkey.id });
    const login = await failure(passkeyLogin(authenticator));
    const again = await failure(client.auth.passkeys.remove.mutate({ passkeyId: passkey.id }));

    expect(stale).toMatchObject({ code: 'FORBIDDEN', details: { reason: 'STEP_UP_REQUIRED' } });
    expect(login.code).toBe('UNAUTHORIZED');
    expect(again.code).toBe('NOT_FOUND');
    expect(await client.auth.passkeys.list.query()).toEqual([]);
    expect(await auditTypes(user.id)).toEqual(expect.arrayContaining(['reauthenticated', 'passkey.removed']));
  });

  test("when a user renames or removes another user's passkey, then NOT_FOUND and nothing changes; the owner may rename it", async () => {
    const owner = await withPasskey();
    const other = await signUp();

    const removed = await failure(other.client.auth.passkeys.remove.mutate({ passkeyId: owner.passkey.id }));
    const renamed = await failure(
      other.client.auth.passkeys.rename.mutate({ passkeyId: owner.passkey.id, name: 'Mine now' }),
    );
    await owner.client.auth.passkeys.rename.mutate({ passkeyId: owner.passkey.id, name: 'Work phone' });

    expect([removed.code, renamed.code]).toEqual(['NOT_FOUND', 'NOT_FOUND']);
    expect((await owner.client.auth.passkeys.list.query()).map((passkey) => passkey.name)).toEqual(['Work phone']);
    expect((await passkeyLogin(owner.authenticator)).accessToken).toBeTruthy();
  });

  test('when a passkey owner re-authenticates with the password alone, then a second factor is asked for', async () => {
    const { input, client } = await withPasskey();

    const passwordOnly = await failure(client.auth.reauthenticate.mutate({ password: input.password }));

    expect(passwordOnly).toMatchObject({
      code: 'FORBIDDEN',
      details: { reason: 'SECOND_FACTOR_REQUIRED', method: 'passkey' },
    });
  });

  test('when sign-ins with a passkey keep failing, then the account is limited, even for a right answer after', async () => {
    const { authenticator } = await withPasskey();
    const answers = [];
    for (let attempt = 0; attempt < MAX_CONSECUTIVE_FAILURES; attempt += 1) {
      answers.push(
        (await failure(passkeyLogin(authenticator, { overrides: { origin: 'https://evil.example' } }))).code,
      );
    }

    const right = await failure(passkeyLogin(authenticator));

    expect(answers).toEqual(Array(MAX_CONSECUTIVE_FAILURES).fill('UNAUTHORIZED'));
    expect(right.code).toBe('TOO_MANY_REQUESTS');
  });

  test('when sign-in options are asked for an unknown e-mail, then they look like those of an account', async () => {
    const { user } = await withPasskey();
    const withoutPasskey = await signUp();
    const unknown = `nobody-${crypto.randomUUID()}@example.test`;

    const answers = await Promise.all(
      [user.email, withoutPasskey.user.email, unknown, unknown].map((email) =>
        anonymous().auth.passkeys.loginOptions.mutate({ email }),
      ),
    );
    const shapes = answers.map(({ challengeId, options }) => ({
      challengeId: challengeId.length,
      keys: Object.keys(options).sort(),
      credentials: options.allowCredentials?.map((credential) => [credential.id.length, Object.keys(credential)]),
    }));

    expect(new Set(shapes.map((shape) => JSON.stringify(shape))).size).toBe(1);
    expect(answers[2]?.options.allowCredentials).toEqual(answers[3]?.options.allowCredentials);
    expect(answers[0]?.options.allowCredentials).not.toEqual(answers[2]?.options.allowCredentials);
  });

  test('when a passkey is registered with endOtherSessions, then the other sessions end and this one stays', async () => {
    const { input, client } = await signUp();
    const other = tokensOf(await anonymous().auth.login.mutate({ email: input.email, password: input.password }));
    const authenticator = new SoftwareAuthenticator({ origin: ORIGIN, rpId: RP_ID });
    const options = await client.auth.passkeys.registrationOptions.mutate();

    const { endedSessions } = await client.auth.passkeys.register.mutate({
      response: authenticator.createCredential(options),
      endOtherSessions: true,
    });
    const otherMe = await failure(apiClient(api.url, { token: other.accessToken }).auth.me.query());

    expect(endedSessions).toBe(1);
    expect(otherMe.code).toBe('UNAUTHORIZED');
    expect((await client.auth.me.query()).user.email).toBe(input.email);
  });

  test('when the same authenticator is registered by a second account, then CONFLICT', async () => {
    const first = await withPasskey();
    const second = await signUp();
    const options = await second.client.auth.passkeys.registrationOptions.mutate();

    const conflict = await failure(
      second.client.auth.passkeys.register.mutate({ response: first.authenticator.createCredential(options) }),
    );

    expect(conflict.code).toBe('CONFLICT');
  });

  test('when the OpenAPI document is fetched, then it documents the passkey procedures, the signed-in ones with a bearer token', async () => {
    const document = (await (await fetch(`${api.url}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { security?: unknown[] }>>;
    };

    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/auth/passkeys/registration-options',
        '/auth/passkeys/register',
        '/auth/passkeys',
        '/auth/passkeys/rename',
        '/auth/passkeys/remove',
        '/auth/passkeys/login-options',
        '/auth/passkeys/login',
        '/auth/passkeys/reauthentication-options',
        '/auth/passkeys/reauthenticate',
        '/auth/complete-mfa-with-passkey',
      ]),
    );
    expect(document.paths['/auth/passkeys/register']?.post?.security).toEqual([{ Authorization: [] }]);
    expect(document.paths['/auth/passkeys/login']?.post?.security).toEqual(
      document.paths['/auth/login']?.post?.security,
    );
  });

  test('when the account is deleted, then its passkeys are deleted with it', async () => {
    const { input, client, passkey, authenticator } = await withPasskey();

    await client.auth.deleteAccount.mutate({ password: input.password });

    expect(await api.db('passkeys').where({ id: passkey.id })).toEqual([]);
    expect((await failure(passkeyLogin(authenticator))).code).toBe('UNAUTHORIZED');
  });
});

describe('passkey sign-in in browser mode', () => {
  const APP_ORIGIN = 'https://app.example.com';
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi(
      testConfig({
        DATABASE_URL: database.url,
        AUTH_REFRESH_COOKIE: 'true',
        CORS_ORIGINS: APP_ORIGIN,
        WEBAUTHN_RP_ID: 'example.com',
        WEBAUTHN_ORIGINS: APP_ORIGIN,
      }),
    );
  });
  afterAll(async () => {
    await api.close();
  });

  test('when signing in with a passkey, then the refresh token is set as the cookie and kept out of the body', async () => {
    const headers = { origin: APP_ORIGIN };
    const { tokens } = await apiClient(api.url, { headers }).auth.signup.mutate(buildSignup());
    const client = apiClient(api.url, { token: tokens.accessToken, headers });
    const authenticator = new SoftwareAuthenticator({ origin: APP_ORIGIN, rpId: 'example.com' });
    const options = await client.auth.passkeys.registrationOptions.mutate();
    await client.auth.passkeys.register.mutate({ response: authenticator.createCredential(options) });
    const start = await apiClient(api.url, { headers }).auth.passkeys.loginOptions.mutate();

    const login = await rawCall(api.url, 'auth.passkeys.login', {
      body: { challengeId: start.challengeId, response: authenticator.getAssertion(start.options) },
      headers,
    });

    expect(login.status).toBe(200);
    expect(login.headers.getSetCookie().join('\n')).toMatch(/^__Host-gw_refresh=gwr_[\w-]{43}; /m);
    expect(login.text).not.toContain('refreshToken');
    expect(login.text).toContain('accessToken');
  });
});
