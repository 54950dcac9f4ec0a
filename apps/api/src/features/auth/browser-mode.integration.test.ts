import { generateKeyPairSync } from 'node:crypto';

import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { testConfig } from '../../../../../test/support/test-env.js';
import { useTestDatabase } from '../../../../../test/support/use-test-database.js';
import { buildSignup, rawCall } from '../../testing/http.js';
import { startTestApi, type TestApi } from '../../testing/start-test-api.js';

const database = useTestDatabase();
const APP_ORIGIN = 'https://app.example.com';

function cookieFrom(headers: Headers): string {
  const header = headers.getSetCookie().find((value) => value.startsWith('__Host-gw_refresh='));
  return header?.split(';')[0] ?? '';
}

/** Moved by the two-factor test, so its second code falls in a later TOTP step without waiting. */
const clock = {
  nowMs: Date.now(),
  now() {
    return this.nowMs;
  },
};

describe('browser mode: refresh token in a cookie', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi(
      testConfig({ DATABASE_URL: database.url, AUTH_REFRESH_COOKIE: 'true', CORS_ORIGINS: APP_ORIGIN }),
      { clock },
    );
  });
  afterAll(async () => {
    await api.close();
  });

  test('when signing up, then the refresh token is an HttpOnly, Secure, SameSite=Strict __Host- cookie and not in the body', async () => {
    const response = await rawCall(api.url, 'auth.signup', { body: buildSignup(), headers: { origin: APP_ORIGIN } });

    const setCookie = response.headers.getSetCookie().join('\n');
    expect(response.status).toBe(200);
    expect(setCookie).toMatch(
      /^__Host-gw_refresh=gwr_[\w-]{43}; Path=\/; Expires=.+; HttpOnly; Secure; SameSite=Strict$/m,
    );
    expect(response.text).not.toContain('refreshToken');
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  test('when refreshing with the cookie from an allowed origin, then it rotates; from another or no origin, then FORBIDDEN', async () => {
    const signup = await rawCall(api.url, 'auth.signup', { body: buildSignup(), headers: { origin: APP_ORIGIN } });
    const cookie = cookieFrom(signup.headers);

    const foreign = await rawCall(api.url, 'auth.refresh', {
      body: {},
      headers: { cookie, origin: 'https://evil.example' },
    });
    const noOrigin = await rawCall(api.url, 'auth.refresh', { body: {}, headers: { cookie } });
    const allowed = await rawCall(api.url, 'auth.refresh', { body: {}, headers: { cookie, origin: APP_ORIGIN } });

    expect([foreign.status, noOrigin.status]).toEqual([403, 403]);
    expect(allowed.status).toBe(200);
    expect(cookieFrom(allowed.headers)).not.toBe(cookie);
  });

  test('when two-factor is on, then login sets no cookie and completeMfa sets it, keeping the token out of the body', async () => {
    const input = buildSignup();
    const headers = { origin: APP_ORIGIN };
    const signup = await rawCall(api.url, 'auth.signup', { body: input, headers });
    const accessToken = (signup.body.result as { data: { tokens: { accessToken: string } } }).data.tokens.accessToken;
    const signedIn = { ...headers, authorization: `Bearer ${accessToken}` };
    const enroll = await rawCall(api.url, 'auth.twoFactor.enroll', { headers: signedIn });
    const { otpauthUri } = (enroll.body.result as { data: { otpauthUri: string } }).data;
    const secret = new URL(otpauthUri).searchParams.get('secret') ?? '';
    const code = () => generate({ secret, epoch: Math.floor(clock.nowMs / 1000) });
    await rawCall(api.url, 'auth.twoFactor.confirm', { body: { code: await code() }, headers: signedIn });
    clock.nowMs += 30_000;

    const login = await rawCall(api.url, 'auth.login', {
      body: { email: input.email, password: input.password },
      headers,
    });
    const { challenge } = (login.body.result as { data: { challenge: string } }).data;
    const completed = await rawCall(api.url, 'auth.completeMfa', { body: { challenge, code: await code() }, headers });

    expect(cookieFrom(login.headers)).toBe('');
    expect(completed.status).toBe(200);
    expect(cookieFrom(completed.headers)).toMatch(/^__Host-gw_refresh=gwr_/);
    expect(completed.text).not.toContain('refreshToken');
  });

  test('when logging out, then the cookie is cleared', async () => {
    const signup = await rawCall(api.url, 'auth.signup', { body: buildSignup(), headers: { origin: APP_ORIGIN } });
    const accessToken = (signup.body.result as { data: { tokens: { accessToken: string } } }).data.tokens.accessToken;

    const logout = await rawCall(api.url, 'auth.logout', {
      headers: { authorization: `Bearer ${accessToken}`, origin: APP_ORIGIN },
    });

    expect(logout.headers.getSetCookie().join('\n')).toMatch(/^__Host-gw_refresh=; .*Expires=Thu, 01 Jan 1970/m);
  });
});

describe('asymmetric signing', () => {
  test('when JWT_ALGORITHM=RS256, then tokens carry the kid and /.well-known/jwks.json publishes the public key', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString().replaceAll('\n', '\\n');
    const api = await startTestApi(
      testConfig({ DATABASE_URL: database.url, JWT_ALGORITHM: 'RS256', JWT_PRIVATE_KEY: pem, JWT_KEY_ID: 'rs-2026' }),
    );

    const signup = await rawCall(api.url, 'auth.signup', { body: buildSignup() });
    const jwks = (await (await fetch(`${api.url}/.well-known/jwks.json`)).json()) as {
      keys: Record<string, unknown>[];
    };
    const accessToken = (signup.body.result as { data: { tokens: { accessToken: string } } }).data.tokens.accessToken;
    const header = JSON.parse(Buffer.from(accessToken.split('.')[0] ?? '', 'base64url').toString()) as Record<
      string,
      unknown
    >;
    const me = await rawCall(api.url, 'auth.me', {
      method: 'GET',
      headers: { authorization: `Bearer ${accessToken}` },
    });

    expect(header).toEqual({ alg: 'RS256', typ: 'at+jwt', kid: 'rs-2026' });
    expect(jwks.keys).toEqual([expect.objectContaining({ kid: 'rs-2026', kty: 'RSA', alg: 'RS256', use: 'sig' })]);
    expect(jwks.keys[0]).not.toHaveProperty('d');
    expect(me.status).toBe(200);
    await api.close();
  });

  test('when signing with HS256, then there is no JWKS to publish', async () => {
    const api = await startTestApi(testConfig({ DATABASE_URL: database.url }));

    expect((await fetch(`${api.url}/.well-known/jwks.json`)).status).toBe(404);
    await api.close();
  });
});
