import bcrypt from 'bcrypt';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { testConfig } from '../../../../../test/support/test-env.js';
import { useTestDatabase } from '../../../../../test/support/use-test-database.js';
import { apiClient, buildSignup, failureOf, rawCall, tokensOf } from '../../testing/http.js';
import { startTestApi, type TestApi } from '../../testing/start-test-api.js';

const database = useTestDatabase();

describe('accounts', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi(testConfig({ DATABASE_URL: database.url }));
  });
  afterAll(async () => {
    await api.close();
  });

  test('when a user signs up, then they get tokens, a personal organization they own, and an audit record', async () => {
    const input = buildSignup({ email: `  Mixed.Case-${Date.now()}@Example.TEST ` });

    const response = await rawCall(api.url, 'auth.signup', { body: input });
    const { user, tokens } = (
      response.body.result as {
        data: { user: { id: string; email: string }; tokens: { accessToken: string; refreshToken: string } };
      }
    ).data;
    const me = await apiClient(api.url, { token: tokens.accessToken }).auth.me.query();

    expect(response.text).not.toMatch(/passwordHash|\$2[aby]\$/);
    expect(Object.keys(user).sort()).toEqual(['createdAt', 'displayName', 'email', 'emailVerifiedAt', 'id']);
    expect(user.email).toBe(input.email.trim().toLowerCase());
    expect(tokens.refreshToken).toMatch(/^gwr_/);
    expect(me.memberships).toEqual([
      {
        organization: expect.objectContaining({ personal: true, name: "Test User's workspace" }) as object,
        role: 'owner',
      },
    ]);
    const events = await api
      .db('auditEvents')
      .where({ actorUserId: user.id })
      .select('type', 'organizationId')
      .orderBy('type');
    expect(events).toEqual([
      { type: 'email.verification_sent', organizationId: null },
      { type: 'signup', organizationId: me.memberships[0]?.organization.id },
    ]);
  });

  test('when signup carries extra fields (role, plan, id), then it is refused and nothing is created', async () => {
    const input = { ...buildSignup(), role: 'owner', plan: 'business', id: '00000000-0000-0000-0000-000000000000' };

    const response = await rawCall(api.url, 'auth.signup', { body: input });

    expect(response.status).toBe(400);
    expect(response.text).toMatch(/role|plan|id/);
    expect(await api.db('users').where({ email: input.email }).first()).toBeUndefined();
  });

  test('when the password is longer than 72 bytes in UTF-8, then signup answers BAD_REQUEST naming the limit', async () => {
    // 25 characters, 100 bytes: under any character limit, over bcrypt's byte limit.
    const input = buildSignup({ password: '€'.repeat(24) + 'x1!A' });

    const error = await failureOf(apiClient(api.url).auth.signup.mutate(input));

    expect(error.data?.code).toBe('BAD_REQUEST');
    expect(JSON.stringify(error.data?.zodError)).toContain('72 bytes');
    expect(await api.db('users').where({ email: input.email }).first()).toBeUndefined();
  });

  test('when the password is too common or too short, then signup is refused with a clear reason', async () => {
    const common = await failureOf(apiClient(api.url).auth.signup.mutate(buildSignup({ password: 'Password1!' })));
    const short = await failureOf(apiClient(api.url).auth.signup.mutate(buildSignup({ password: 'Ab1!x' })));

    expect(common.data?.code).toBe('BAD_REQUEST');
    expect(common.message).toMatch(/too common/);
    expect(short.message).toMatch(/at least 8/);
  });

  test('when the e-mail is already registered (in any case), then signup answers CONFLICT and nothing changes', async () => {
    const input = buildSignup();
    await apiClient(api.url).auth.signup.mutate(input);
    const before = await api.db('users').count({ n: '*' }).first();

    const error = await failureOf(
      apiClient(api.url).auth.signup.mutate({ ...buildSignup(), email: input.email.toUpperCase() }),
    );

    expect(error.data?.code).toBe('CONFLICT');
    expect(await api.db('users').count({ n: '*' }).first()).toEqual(before);
  });

  test('when logging in with the right password, then tokens come back and me works', async () => {
    const input = buildSignup();
    await apiClient(api.url).auth.signup.mutate(input);

    const tokens = tokensOf(
      await apiClient(api.url).auth.login.mutate({
        email: input.email.toUpperCase(),
        password: input.password,
      }),
    );
    const me = await apiClient(api.url, { token: tokens.accessToken }).auth.me.query();

    expect(me.user.email).toBe(input.email);
    expect(me.user).not.toHaveProperty('passwordHash');
  });

  test('when the password is wrong or the e-mail unknown, then both answer the same UNAUTHORIZED', async () => {
    const input = buildSignup();
    await apiClient(api.url).auth.signup.mutate(input);

    const wrongPassword = await rawCall(api.url, 'auth.login', {
      body: { email: input.email, password: `${input.password}x` },
    });
    const unknownEmail = await rawCall(api.url, 'auth.login', {
      body: { email: `nobody-${input.email}`, password: input.password },
    });

    const shape = (body: Record<string, unknown>) => {
      const error = body.error as { message: string; data: { code: string; httpStatus: number } };
      return { message: error.message, code: error.data.code, status: error.data.httpStatus };
    };
    expect(wrongPassword.status).toBe(401);
    expect(shape(wrongPassword.body)).toEqual(shape(unknownEmail.body));
    expect(shape(wrongPassword.body)).toEqual({
      message: 'Invalid email or password',
      code: 'UNAUTHORIZED',
      status: 401,
    });
  });

  test('when a password was hashed with a lower cost, then a successful login upgrades the hash', async () => {
    const input = buildSignup();
    const { user } = await apiClient(api.url).auth.signup.mutate(input);
    await api
      .db('users')
      .where({ id: user.id })
      .update({ passwordHash: await bcrypt.hash(input.password, 4) });
    const upgraded = await startTestApi(testConfig({ DATABASE_URL: database.url, BCRYPT_COST: '5' }));

    tokensOf(await apiClient(upgraded.url).auth.login.mutate({ email: input.email, password: input.password }));
    await upgraded.close();

    const row: { passwordHash: string } = await api.db('users').where({ id: user.id }).first('passwordHash');
    expect(bcrypt.getRounds(row.passwordHash)).toBe(5);
    expect(await bcrypt.compare(input.password, row.passwordHash)).toBe(true);
  });

  test('when changing the password, then the current one is required, the new one must pass the policy, and old sessions end', async () => {
    const input = buildSignup();
    const { tokens } = await apiClient(api.url).auth.signup.mutate(input);
    const other = tokensOf(
      await apiClient(api.url).auth.login.mutate({ email: input.email, password: input.password }),
    );
    const client = apiClient(api.url, { token: tokens.accessToken });

    const wrongCurrent = await failureOf(
      client.auth.changePassword.mutate({ currentPassword: 'not-it-at-all', newPassword: buildSignup().password }),
    );
    const weakNew = await failureOf(
      client.auth.changePassword.mutate({ currentPassword: input.password, newPassword: 'welcome1!' }),
    );
    const newPassword = buildSignup().password;
    const fresh = await client.auth.changePassword.mutate({ currentPassword: input.password, newPassword });

    expect(wrongCurrent.data?.code).toBe('FORBIDDEN');
    expect(weakNew.data?.code).toBe('BAD_REQUEST');
    expect((await failureOf(apiClient(api.url, { token: other.accessToken }).auth.me.query())).data?.code).toBe(
      'UNAUTHORIZED',
    );
    expect(
      (await failureOf(apiClient(api.url).auth.refresh.mutate({ refreshToken: other.refreshToken ?? '' }))).data?.code,
    ).toBe('UNAUTHORIZED');
    expect((await apiClient(api.url, { token: fresh.accessToken }).auth.me.query()).user.email).toBe(input.email);
    await expect(
      apiClient(api.url).auth.login.mutate({ email: input.email, password: newPassword }),
    ).resolves.toBeDefined();
  });

  test('when the current password is guessed repeatedly, then changePassword locks out like login and audits each failure', async () => {
    const throttled = await startTestApi(
      testConfig({ DATABASE_URL: database.url, LOGIN_MAX_CONSECUTIVE_FAILURES: '3' }),
    );
    const input = buildSignup();
    const { user, tokens } = await apiClient(throttled.url).auth.signup.mutate(input);
    const client = apiClient(throttled.url, { token: tokens.accessToken });
    const guess = (currentPassword: string) =>
      failureOf(client.auth.changePassword.mutate({ currentPassword, newPassword: buildSignup().password }));

    const codes = [];
    for (let attempt = 0; attempt < 3; attempt += 1) codes.push((await guess(`guess-${attempt}-wrong`)).data?.code);
    const withRightPassword = await guess(input.password);
    await throttled.close();

    expect(codes).toEqual(['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN']);
    expect(withRightPassword.data?.code).toBe('TOO_MANY_REQUESTS');
    expect(await api.db('auditEvents').where({ actorUserId: user.id, type: 'password.change_failed' })).toHaveLength(3);
  });

  test('when someone tries to erase the audit trail, then PostgreSQL refuses update, delete and truncate', async () => {
    await apiClient(api.url).auth.signup.mutate(buildSignup());

    await expect(api.db('auditEvents').update({ type: 'logout' })).rejects.toThrow(/append-only/);
    await expect(api.db('auditEvents').delete()).rejects.toThrow(/append-only/);
    await expect(api.db.raw('truncate audit_events')).rejects.toThrow(/append-only/);
  });

  test('when any auth call fails, then no response carries a stack trace or SQL text', async () => {
    const attempts = [
      rawCall(api.url, 'auth.signup', { body: { email: 'x', password: 1, displayName: null } }),
      rawCall(api.url, 'auth.login', { body: { email: "' or 1=1 --@x.io", password: "'; drop table users; --" } }),
      rawCall(api.url, 'auth.refresh', { body: { refreshToken: 'gwr_' + 'A'.repeat(43) } }),
      rawCall(api.url, 'auth.me', { method: 'GET', headers: { authorization: 'Bearer not.a.jwt' } }),
      rawCall(api.url, 'auth.revokeSession', { body: { sessionId: 'nope' } }),
      rawCall(api.url, 'auth.signup', { body: { ...buildSignup(), displayName: 'null\u0000byte' } }),
    ];

    for (const response of await Promise.all(attempts)) {
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      expect(response.text).not.toMatch(/\bat .+\.(ts|js):\d+|select |insert |constraint|relation "/i);
    }
  });
});
