import { randomUUID } from 'node:crypto';

import { createLogger } from '@groundwork/core';
import { createUnitOfWork, type Knex } from '@groundwork/db';
import { createEmailOutbox } from '@groundwork/email';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { connectTestDatabase } from '../../../test/support/postgres-admin.js';
import { connectTestRedis } from '../../../test/support/redis-keys.js';
import { uniqueKeyPrefix } from '../../../test/support/test-env.js';
import { useTestDatabase } from '../../../test/support/use-test-database.js';
import { type Auth, createAuth } from './auth.js';
import { createPasswordHasher } from './passwords/password-hasher.js';
import type { LoginThrottle, TokensValidAfter } from './ports.js';
import { createAccessTokens } from './tokens/access-tokens.js';

const database = useTestDatabase();
const meta = { ip: '192.0.2.7', userAgent: 'vitest', requestId: 'use-case-test' };
const signupInput = () => ({
  email: `${randomUUID()}@example.test`,
  password: 'kettle-harbour-71',
  displayName: 'Uma',
});

/** The API keeps these per instance; the domain only needs their answers. */
const openThrottle: LoginThrottle = {
  beforeAttempt: async () => ({}),
  recordFailure: async () => null,
  recordSuccess: async () => undefined,
};
/** What the worker's queue does with a deletion; a test can make it fail as Redis would. */
let enqueueDeletion: (deletionId: string) => Promise<unknown> = async () => undefined;
/** The ids the outbox dispatched (the API queues them for the worker). */
const dispatched: string[] = [];
const neverVoided: TokensValidAfter = { isVoided: async () => false, announce: async () => undefined };

describe('auth use cases, on PostgreSQL and Redis', () => {
  let db: Knex;
  let redis: Awaited<ReturnType<typeof connectTestRedis>>;
  let auth: Auth;
  let reusesSeen = 0;
  beforeAll(async () => {
    db = connectTestDatabase(database.url, { poolMax: 4, statementTimeoutMs: 10_000 });
    redis = await connectTestRedis();
    auth = createAuth({
      uow: createUnitOfWork(db),
      redis,
      keyPrefix: uniqueKeyPrefix(),
      hasher: createPasswordHasher({ cost: 4 }),
      accessTokens: createAccessTokens({
        keys: { algorithm: 'HS256', keyId: 'test', secret: 'u'.repeat(12) + 'Q9vX2mL7pR4tW8zN3bY6cF1hJ5dG0sA' },
        issuer: 'groundwork',
        audience: 'groundwork-api',
        ttlSeconds: 900,
      }),
      tokensValidAfter: neverVoided,
      loginThrottle: openThrottle,
      organizationDeletionJobs: { enqueue: (deletionId) => enqueueDeletion(deletionId) },
      secondFactorThrottle: { beforeAttempt: async () => undefined, recordSuccess: async () => undefined },
      settings: {
        accessTokenTtlSeconds: 900,
        refreshTokenTtlSeconds: 3_600,
        refreshReuseGraceSeconds: 0,
        twoFactorSecret: 'k'.repeat(12) + 'Q9vX2mL7pR4tW8zN3bY6cF1hJ5dG0sA',
        totpIssuer: 'Groundwork',
        mfaChallengeTtlSeconds: 300,
        stepUpWindowSeconds: 600,
        passkeys: {
          rpId: 'app.example.test',
          rpName: 'Groundwork',
          origins: ['https://app.example.test'],
          challengeTtlSeconds: 300,
        },
      },
      email: {
        outbox: createEmailOutbox({
          dispatch: async (emailId) => void dispatched.push(emailId),
          logger: createLogger({ service: 'test', level: 'silent' }),
        }),
        links: { appUrl: 'https://app.example.test', verificationTtlHours: 24, resetTtlMinutes: 30 },
        deliveryEnabled: true,
      },
      logger: createLogger({ service: 'test', level: 'silent' }),
      onRefreshReuse: () => {
        reusesSeen += 1;
      },
    });
  });
  afterAll(async () => {
    await Promise.all([db.destroy(), redis.quit()]);
  });

  test('when signing up, then a verification e-mail is recorded with the account and dispatched once it committed', async () => {
    const input = signupInput();
    const { user } = await auth.signup(input, meta);

    const emails: { id: string; template: string }[] = await db('outboundEmails')
      .where({ recipient: input.email })
      .select('id', 'template');
    expect(emails.map((email) => email.template)).toEqual(['email-verification']);
    expect(dispatched).toContain(emails[0]?.id);
    expect(user.emailVerifiedAt).toBeNull();
  });

  test('when a signup is refused for a taken address, then no second verification e-mail is recorded', async () => {
    const input = signupInput();
    await auth.signup(input, meta);
    await expect(auth.signup(input, meta)).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await db('outboundEmails').where({ recipient: input.email })).toHaveLength(1);
  });

  test('when signing up, then the account, its organization and the signup record exist and the access token is a session', async () => {
    const { user, tokens } = await auth.signup(signupInput(), meta);

    const session = await auth.authenticate(tokens.accessToken);
    const me = await auth.me({ userId: user.id, sessionId: tokens.sessionId });
    const events = (await db('auditEvents')
      .where({ actorUserId: user.id })
      .select('type', 'organizationId')
      .orderBy('type')) as { type: string; organizationId: string | null }[];
    expect(session).toEqual({ userId: user.id, sessionId: tokens.sessionId });
    expect(events).toEqual([
      { type: 'email.verification_sent', organizationId: null },
      { type: 'signup', organizationId: me.memberships[0]?.organization.id },
    ]);
  });

  test('when the deletion job cannot be queued, then the account is still deleted and the deletion stays recorded for the sweeper', async () => {
    const input = signupInput();
    const { user, tokens } = await auth.signup(input, meta);
    enqueueDeletion = () => Promise.reject(new Error('redis is down'));
    try {
      const outcome = await auth.deleteAccount({ userId: user.id, sessionId: tokens.sessionId }, input, meta);

      expect(outcome).toEqual({ deletedOrganizations: 1, leftOrganizations: 0 });
    } finally {
      enqueueDeletion = async () => undefined;
    }
    expect(
      await db('organizationDeletions').where({ requestedByUserId: user.id }).whereNull('completedAt'),
    ).toHaveLength(1);
    expect(await db('users').where({ id: user.id }).whereNotNull('deletedAt')).toHaveLength(1);
  });

  test('when the e-mail is taken, then signup answers CONFLICT and writes no second record', async () => {
    const input = signupInput();
    const { user } = await auth.signup(input, meta);

    await expect(auth.signup({ ...input, displayName: 'Other' }, meta)).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await db('auditEvents').where({ actorUserId: user.id, type: 'signup' })).toHaveLength(1);
  });

  test('when a spent refresh token is presented again, then its session is revoked, audited and counted', async () => {
    const { user, tokens } = await auth.signup(signupInput(), meta);
    const next = await auth.refresh(tokens.refreshToken, meta);

    await expect(auth.refresh(tokens.refreshToken, meta)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });

    expect(await auth.authenticate(next.accessToken)).toBeNull();
    await expect(auth.refresh(next.refreshToken, meta)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await db('auditEvents').where({ actorUserId: user.id, type: 'refresh.reuse_detected' })).toHaveLength(1);
    expect(reusesSeen).toBe(1);
  });

  test('when revoking another user’s session, then it answers NOT_FOUND and that session lives on', async () => {
    const owner = await auth.signup(signupInput(), meta);
    const intruder = await auth.signup(signupInput(), meta);
    const intruderSession = { userId: intruder.user.id, sessionId: intruder.tokens.sessionId };

    const attempt = auth.revokeSession(intruderSession, owner.tokens.sessionId, meta);

    await expect(attempt).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await auth.authenticate(owner.tokens.accessToken)).not.toBeNull();
    expect((await auth.sessions({ userId: owner.user.id, sessionId: owner.tokens.sessionId }))[0]).toMatchObject({
      sessionId: owner.tokens.sessionId,
      current: true,
    });
  });
});
