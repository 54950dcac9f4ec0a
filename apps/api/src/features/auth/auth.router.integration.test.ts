import { createLogger } from '@groundwork/core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { testConfig } from '../../../../../test/support/test-env.js';
import { useTestDatabase } from '../../../../../test/support/use-test-database.js';
import { buildSignup } from '../../testing/http.js';
import { startTestApi, type TestApi } from '../../testing/start-test-api.js';
import { createContextInner, type Session } from '../../trpc/context.js';
import { appRouter } from '../../trpc/router.js';
import { createCallerFactory } from '../../trpc/t.js';

const database = useTestDatabase();
const createCaller = createCallerFactory(appRouter);
const logger = createLogger({ service: 'test', level: 'silent' });

describe('auth router, called in-process', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi(testConfig({ DATABASE_URL: database.url, BCRYPT_COST: '12' }));
  });
  afterAll(async () => {
    await api.close();
  });

  const callerFor = (session: Session | null) =>
    createCaller(
      createContextInner({
        session,
        services: api.services,
        request: { ip: '192.0.2.1', userAgent: 'vitest', requestId: 'in-process', origin: null, cookies: {}, logger },
        exposeErrorDetails: false,
      }),
    );

  test('when signing up at the production bcrypt cost, then the stored hash has cost 12 and the session reads back through me', async () => {
    const input = buildSignup();

    const { user, tokens } = await callerFor(null).auth.signup(input);
    const me = await callerFor({ userId: user.id, sessionId: tokens.sessionId }).auth.me();

    const row: { passwordHash: string } = await api.db('users').where({ id: user.id }).first('passwordHash');
    expect(row.passwordHash).toMatch(/^\$2b\$12\$/);
    expect(me.user.id).toBe(user.id);
  });

  test('when the e-mail is unknown, then login still pays for a full bcrypt comparison', async () => {
    const input = buildSignup();
    await callerFor(null).auth.signup(input);
    const timeLogin = async (email: string) => {
      const started = process.hrtime.bigint();
      await callerFor(null)
        .auth.login({ email, password: 'wrong-password-1' })
        .catch(() => undefined);
      return Number(process.hrtime.bigint() - started) / 1e6;
    };

    const known = Math.min(await timeLogin(input.email), await timeLogin(input.email));
    const unknown = Math.min(await timeLogin(`ghost-${input.email}`), await timeLogin(`ghost-${input.email}`));

    // Without the dummy-hash comparison, unknown e-mails answer ~100x faster than known ones.
    expect(unknown).toBeGreaterThan(known * 0.5);
  });

  test('when no session is present, then a protected procedure answers UNAUTHORIZED', async () => {
    await expect(callerFor(null).auth.me()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });
});
