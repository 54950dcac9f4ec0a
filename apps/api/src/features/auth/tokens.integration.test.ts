import { createServer } from 'node:net';

import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { deleteKeys, keysMatching } from '../../../../../test/support/redis-keys.js';
import { TEST_REDIS_URL, testConfig } from '../../../../../test/support/test-env.js';
import { useTestDatabase } from '../../../../../test/support/use-test-database.js';
import { apiClient, buildSignup, failureOf, rawCall, tokensOf } from '../../testing/http.js';
import { startTestApi, type TestApi } from '../../testing/start-test-api.js';

const database = useTestDatabase();

async function signUp(api: TestApi) {
  const input = buildSignup();
  const { user, tokens } = await apiClient(api.url).auth.signup.mutate(input);
  return { input, user, tokens: { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken ?? '' } };
}

const codeOf = async (call: Promise<unknown>) => (await failureOf(call)).data?.code;

describe('tokens', () => {
  let api: TestApi;
  let strict: TestApi;
  beforeAll(async () => {
    api = await startTestApi(testConfig({ DATABASE_URL: database.url, REFRESH_REUSE_GRACE_SECONDS: '5' }));
    strict = await startTestApi(testConfig({ DATABASE_URL: database.url, REFRESH_REUSE_GRACE_SECONDS: '0' }));
  });
  afterAll(async () => {
    await Promise.all([api.close(), strict.close()]);
  });

  test('when refreshing, then a new pair comes back, the old refresh token is spent and the new access token works', async () => {
    const { tokens } = await signUp(api);

    const next = await apiClient(api.url).auth.refresh.mutate({ refreshToken: tokens.refreshToken });

    expect(next.refreshToken).not.toBe(tokens.refreshToken);
    expect(next.accessToken).not.toBe(tokens.accessToken);
    expect((await apiClient(api.url, { token: next.accessToken }).auth.me.query()).user).toBeDefined();
  });

  test('when a spent refresh token is presented again (outside any grace), then the whole family is revoked and audited', async () => {
    const { user, tokens } = await signUp(strict);
    const second = await apiClient(strict.url).auth.refresh.mutate({ refreshToken: tokens.refreshToken });

    const reuse = await codeOf(apiClient(strict.url).auth.refresh.mutate({ refreshToken: tokens.refreshToken }));

    expect(reuse).toBe('UNAUTHORIZED');
    expect(await codeOf(apiClient(strict.url).auth.refresh.mutate({ refreshToken: second.refreshToken ?? '' }))).toBe(
      'UNAUTHORIZED',
    );
    expect(await codeOf(apiClient(strict.url, { token: second.accessToken }).auth.me.query())).toBe('UNAUTHORIZED');
    const events = await strict.db('auditEvents').where({ actorUserId: user.id, type: 'refresh.reuse_detected' });
    expect(events).toHaveLength(1);
  });

  test('when a token older than the immediate parent is replayed within the grace period, then the family is still revoked', async () => {
    const { tokens } = await signUp(api);
    const second = await apiClient(api.url).auth.refresh.mutate({ refreshToken: tokens.refreshToken });
    const third = await apiClient(api.url).auth.refresh.mutate({ refreshToken: second.refreshToken ?? '' });

    expect(await codeOf(apiClient(api.url).auth.refresh.mutate({ refreshToken: tokens.refreshToken }))).toBe(
      'UNAUTHORIZED',
    );

    expect(await codeOf(apiClient(api.url).auth.refresh.mutate({ refreshToken: third.refreshToken ?? '' }))).toBe(
      'UNAUTHORIZED',
    );
  });

  test('when the same refresh token is sent by several requests at once, then exactly one successor is issued and it keeps working', async () => {
    const { tokens } = await signUp(api);

    const outcomes = await Promise.allSettled(
      Array.from({ length: 8 }, () => apiClient(api.url).auth.refresh.mutate({ refreshToken: tokens.refreshToken })),
    );

    const winners = outcomes.filter((outcome) => outcome.status === 'fulfilled');
    expect(winners).toHaveLength(1);
    const winner = winners[0]?.status === 'fulfilled' ? winners[0].value : null;
    const after = await apiClient(api.url).auth.refresh.mutate({ refreshToken: winner?.refreshToken ?? '' });
    expect(after.accessToken).toEqual(expect.any(String));
  });

  test('when logging out, then the access token stops working at once and the refresh token is dead', async () => {
    const { tokens } = await signUp(api);
    const client = apiClient(api.url, { token: tokens.accessToken });

    await client.auth.logout.mutate();

    expect(await codeOf(client.auth.me.query())).toBe('UNAUTHORIZED');
    expect(await codeOf(apiClient(api.url).auth.refresh.mutate({ refreshToken: tokens.refreshToken }))).toBe(
      'UNAUTHORIZED',
    );
  });

  test('when logging out everywhere, then every session of the user ends and other users are untouched', async () => {
    const { input, tokens } = await signUp(api);
    const laptop = tokensOf(
      await apiClient(api.url).auth.login.mutate({ email: input.email, password: input.password }),
    );
    const bystander = await signUp(api);

    const result = await apiClient(api.url, { token: tokens.accessToken }).auth.logoutAll.mutate();

    expect(result.revokedSessions).toBe(2);
    expect(await codeOf(apiClient(api.url, { token: laptop.accessToken }).auth.me.query())).toBe('UNAUTHORIZED');
    expect(await codeOf(apiClient(api.url, { token: tokens.accessToken }).auth.me.query())).toBe('UNAUTHORIZED');
    expect((await apiClient(api.url, { token: bystander.tokens.accessToken }).auth.me.query()).user.id).toBe(
      bystander.user.id,
    );
  });

  test('when listing and revoking sessions, then only my sessions show and another user cannot revoke them', async () => {
    const { input, tokens } = await signUp(api);
    const phone = tokensOf(
      await apiClient(api.url, { headers: { 'user-agent': 'PhoneApp/1.0' } }).auth.login.mutate({
        email: input.email,
        password: input.password,
      }),
    );
    const mine = apiClient(api.url, { token: tokens.accessToken });
    const intruder = await signUp(api);

    const sessions = await mine.auth.sessions.query();
    const phoneSession = sessions.find((session) => session.sessionId === phone.sessionId);
    const foreign = await codeOf(
      apiClient(api.url, { token: intruder.tokens.accessToken }).auth.revokeSession.mutate({
        sessionId: phone.sessionId,
      }),
    );

    expect(sessions).toHaveLength(2);
    expect(sessions.filter((session) => session.current)).toHaveLength(1);
    expect(phoneSession).toMatchObject({ userAgent: 'PhoneApp/1.0', current: false });
    expect(foreign).toBe('NOT_FOUND');
    expect((await apiClient(api.url, { token: phone.accessToken }).auth.me.query()).user).toBeDefined();

    await mine.auth.revokeSession.mutate({ sessionId: phone.sessionId });

    expect(await codeOf(apiClient(api.url, { token: phone.accessToken }).auth.me.query())).toBe('UNAUTHORIZED');
    expect(await mine.auth.sessions.query()).toHaveLength(1);
  });

  test('when the access token is forged, expired, for another audience, a refresh token, or not in the Authorization header, then protected calls answer UNAUTHORIZED', async () => {
    const { user, tokens } = await signUp(api);
    const { secret, issuer, audience, keyId } = api.config.auth.jwt;
    const sid = (jwt.decode(tokens.accessToken) as { sid: string }).sid;
    const now = Math.floor(Date.now() / 1000);
    const sign = (claims: object, key: string, header: object = {}) =>
      jwt.sign({ sub: user.id, sid, jti: 'x', iss: issuer, aud: audience, iat: now, exp: now + 600, ...claims }, key, {
        algorithm: 'HS256',
        header: { alg: 'HS256', typ: 'at+jwt', kid: keyId, ...header },
      });
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt', kid: keyId })).toString('base64url')}.${Buffer.from(
      JSON.stringify({ sub: user.id, sid, jti: 'x', iss: issuer, aud: audience, iat: now, exp: now + 600 }),
    ).toString('base64url')}.`;

    const candidates = [
      unsigned,
      sign({}, `${secret}-wrong`),
      sign({ iat: now - 2000, exp: now - 1000 }, secret),
      sign({ aud: 'another-api' }, secret),
      sign({}, secret, { typ: 'JWT' }),
      tokens.refreshToken,
    ];

    for (const candidate of candidates) {
      expect(await codeOf(apiClient(api.url, { token: candidate }).auth.me.query())).toBe('UNAUTHORIZED');
    }
    expect((await apiClient(api.url, { token: sign({}, secret) }).auth.me.query()).user.id).toBe(user.id);
    const inQuery = await rawCall(api.url, `auth.me?access_token=${tokens.accessToken}`, { method: 'GET' });
    const inCookie = await rawCall(api.url, 'auth.me', {
      method: 'GET',
      headers: { cookie: `access_token=${tokens.accessToken}` },
    });
    expect([inQuery.status, inCookie.status]).toEqual([401, 401]);
  });
});

describe('tokens while Redis is down', () => {
  test('when Redis is unreachable, then revocation is still enforced from the database', async () => {
    const healthy = await startTestApi(testConfig({ DATABASE_URL: database.url }));
    const { tokens } = await signUp(healthy);
    await apiClient(healthy.url, { token: tokens.accessToken }).auth.logout.mutate();
    // The marker is in Redis; remove it to prove the database answer is what counts below.
    const markers = await keysMatching(healthy.redis, `${healthy.config.redis.keyPrefix}:{auth}:revoked-sid:*`);
    expect(markers).toHaveLength(1);
    await deleteKeys(healthy.redis, markers);
    await healthy.close();

    const blackHole = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
    const deadRedis = new URL(TEST_REDIS_URL);
    deadRedis.port = String((blackHole.address() as { port: number }).port);
    const degraded = await startTestApi(testConfig({ DATABASE_URL: database.url, REDIS_URL: deadRedis.toString() }), {
      waitForRedis: false,
    });

    expect(await codeOf(apiClient(degraded.url, { token: tokens.accessToken }).auth.me.query())).toBe('UNAUTHORIZED');

    await degraded.close();
    blackHole.close();
  });
});
