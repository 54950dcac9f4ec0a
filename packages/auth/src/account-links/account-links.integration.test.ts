import { randomUUID } from 'node:crypto';

import { createLogger } from '@groundwork/core';
import { createUnitOfWork, type Knex } from '@groundwork/db';
import { createEmailDelivery, createEmailOutbox, createSmtpTransport, type EmailTransport } from '@groundwork/email';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { connectTestDatabase } from '../../../../test/support/postgres-admin.js';
import { type SmtpCatcher, startSmtpCatcher } from '../../../../test/support/smtp-catcher.js';
import { useTestDatabase } from '../../../../test/support/use-test-database.js';
import { createRegistration } from '../accounts/registration.js';
import { createPasswordHasher } from '../passwords/password-hasher.js';
import { createEmailVerification } from './email-verification.js';
import type { AccountLinkSettings } from './link-settings.js';
import { createPasswordReset } from './password-reset.js';

const database = useTestDatabase();
const logger = createLogger({ service: 'test', level: 'silent' });
const meta = { ip: '192.0.2.9', userAgent: 'vitest', requestId: 'account-links-test' };
const settings: AccountLinkSettings = {
  appUrl: 'https://app.example.test',
  verificationTtlHours: 24,
  resetTtlMinutes: 30,
};

describe('e-mailed account links, from the use case to the mailbox', () => {
  let db: Knex;
  let smtp: SmtpCatcher;
  let transport: EmailTransport;
  const ended: string[] = [];
  const hasher = createPasswordHasher({ cost: 4 });
  beforeAll(async () => {
    db = connectTestDatabase(database.url, { statementTimeoutMs: 10_000 });
    smtp = await startSmtpCatcher();
    transport = createSmtpTransport({ url: smtp.url, timeoutMs: 5_000 });
  });
  afterAll(async () => {
    transport.close();
    await smtp.close();
    await db.destroy();
  });

  function domain() {
    const uow = createUnitOfWork(db);
    const deliver = createEmailDelivery({
      emails: uow.repositories.outboundEmails,
      transport,
      from: 'Groundwork <no-reply@groundwork.test>',
      leaseMs: 60_000,
      logger,
    });
    // The worker's job, run in line: dispatching delivers at once.
    const outbox = createEmailOutbox({ dispatch: async (id) => void (await deliver(id)), logger });
    const verification = createEmailVerification({ uow, outbox, settings });
    const reset = createPasswordReset({
      uow,
      outbox,
      hasher,
      sessions: { endAllOfUser: async (userId) => (ended.push(userId), 0) },
      settings,
    });
    return { uow, verification, reset, registration: createRegistration({ uow, hasher }) };
  }

  async function account() {
    const { registration } = domain();
    const email = `${randomUUID()}@example.test`;
    const { user } = await registration.register({ email, password: 'kettle-harbour-71', displayName: 'Ada' }, meta);
    return user;
  }

  type UserRow = { emailVerifiedAt: Date | null; tokensValidAfter: Date; passwordHash: string };
  const userRow = async (id: string) => (await db('users').where({ id }).first()) as UserRow;

  function tokenMailedTo(address: string): string {
    const mail = smtp.received.findLast((received) => JSON.stringify(received.to).includes(address));
    const token = /https:\/\/app\.example\.test\/(?:verify-email|reset-password)\?token=(gwl_[\w-]{43})/.exec(
      mail?.text ?? '',
    )?.[1];
    if (!token) throw new Error(`no link mailed to ${address}`);
    return token;
  }

  test('when the newest verification link is used, then the address is verified once, and earlier links never work', async () => {
    const user = await account();
    const { verification } = domain();
    const session = { userId: user.id, sessionId: randomUUID() };
    await verification.resend(session, meta);
    const older = tokenMailedTo(user.email);
    await verification.resend(session, meta);
    const newest = tokenMailedTo(user.email);

    await expect(verification.verify(older, meta)).rejects.toMatchObject({ code: 'INVALID' });
    await expect(verification.verify(newest, meta)).resolves.toEqual({ email: user.email });

    expect((await userRow(user.id)).emailVerifiedAt).toBeInstanceOf(Date);
    await expect(verification.verify(newest, meta)).rejects.toMatchObject({ code: 'INVALID' });
    await expect(verification.resend({ userId: user.id, sessionId: randomUUID() }, meta)).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    const types = (await db('auditEvents').where({ actorUserId: user.id }).pluck('type')) as string[];
    expect(types).toEqual(expect.arrayContaining(['email.verification_sent', 'email.verified']));
  });

  test('when a verification link was sent to an address the account no longer has, then it verifies nothing', async () => {
    const user = await account();
    const { verification } = domain();
    await verification.resend({ userId: user.id, sessionId: randomUUID() }, meta);
    const token = tokenMailedTo(user.email);
    await db('users')
      .where({ id: user.id })
      .update({ email: `moved-${user.email}` });

    await expect(verification.verify(token, meta)).rejects.toMatchObject({ code: 'INVALID' });
    expect((await userRow(user.id)).emailVerifiedAt).toBeNull();
  });

  test('when a reset is asked for an address without an account, then nothing is stored or sent', async () => {
    const { reset } = domain();
    const address = `${randomUUID()}@example.test`;
    const before = smtp.received.length;

    await expect(reset.sendLink(address, meta)).resolves.toEqual({ sent: false });

    expect(smtp.received).toHaveLength(before);
    expect(await db('outboundEmails').where({ recipient: address })).toHaveLength(0);
  });

  test('when a reset link is used, then the password changes once, older links die, tokens are voided and every session ends', async () => {
    const user = await account();
    const { reset } = domain();
    await reset.sendLink(user.email, meta);
    const older = tokenMailedTo(user.email);
    await reset.sendLink(user.email, meta);
    const newest = tokenMailedTo(user.email);
    const validAfterBefore = (await userRow(user.id)).tokensValidAfter;

    await expect(reset.complete({ token: older, newPassword: 'lantern-orchard-58' }, meta)).rejects.toMatchObject({
      code: 'INVALID',
    });
    await reset.complete({ token: newest, newPassword: 'lantern-orchard-58' }, meta);

    const row = await userRow(user.id);
    await expect(hasher.verify('lantern-orchard-58', row.passwordHash)).resolves.toBe(true);
    expect(row.tokensValidAfter.getTime()).toBeGreaterThan(validAfterBefore.getTime());
    expect(ended).toContain(user.id);
    await expect(reset.complete({ token: newest, newPassword: 'another-river-93' }, meta)).rejects.toMatchObject({
      code: 'INVALID',
    });
    const types = (await db('auditEvents').where({ actorUserId: user.id }).pluck('type')) as string[];
    expect(types).toEqual(expect.arrayContaining(['password.reset_requested', 'password.reset']));
  });

  test('when the new password fails the policy, then the reset is refused and the link still works', async () => {
    const user = await account();
    const { reset } = domain();
    await reset.sendLink(user.email, meta);
    const token = tokenMailedTo(user.email);

    await expect(reset.complete({ token, newPassword: 'passw0rd!' }, meta)).rejects.toMatchObject({ code: 'INVALID' });

    await expect(reset.complete({ token, newPassword: 'lantern-orchard-58' }, meta)).resolves.toBeUndefined();
  });

  test('when a reset link has expired, then it is refused', async () => {
    const user = await account();
    const { reset } = domain();
    await reset.sendLink(user.email, meta);
    const token = tokenMailedTo(user.email);
    await db('accountTokens')
      .where({ userId: user.id })
      .update({ expiresAt: new Date(Date.now() - 1_000) });

    await expect(reset.complete({ token, newPassword: 'lantern-orchard-58' }, meta)).rejects.toMatchObject({
      code: 'INVALID',
    });
  });
});
