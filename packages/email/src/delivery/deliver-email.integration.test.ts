import { createOutboundEmailRepository, createUnitOfWork, type Knex } from '@groundwork/db';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { connectTestDatabase } from '../../../../test/support/postgres-admin.js';
import { type SmtpCatcher, startSmtpCatcher } from '../../../../test/support/smtp-catcher.js';
import { useTestDatabase } from '../../../../test/support/use-test-database.js';
import { createEmailOutbox } from '../outbox.js';
import type { EmailMessage } from '../templates/catalogue.js';
import { createEmailDelivery, PermanentEmailError } from './deliver-email.js';
import { createSmtpTransport, type EmailTransport } from './smtp-transport.js';

const database = useTestDatabase();
const logger = pino({ level: 'silent' });
const FROM = 'Groundwork <no-reply@groundwork.test>';

describe('e-mail delivery from the outbox', () => {
  let db: Knex;
  let smtp: SmtpCatcher;
  let transport: EmailTransport;
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

  const emails = () => createOutboundEmailRepository(db);
  const delivery = (leaseMs = 60_000) =>
    createEmailDelivery({ emails: emails(), transport, from: FROM, leaseMs, logger });
  const outbox = createEmailOutbox({ dispatch: () => Promise.resolve(), logger });
  let sequence = 0;
  const reset = (overrides: Partial<{ to: string; displayName: string }> = {}): EmailMessage => ({
    template: 'password-reset',
    to: overrides.to ?? `user-${++sequence}-${Date.now()}@example.test`,
    data: {
      displayName: overrides.displayName ?? 'Ada',
      resetUrl: 'https://app.example.test/reset#token=secret-token',
      expiresInMinutes: 30,
    },
  });
  const record = (message: EmailMessage) => outbox.record(emails(), message);
  const mailTo = (address: string) =>
    smtp.received.filter((mail) => mail.to && JSON.stringify(mail.to).includes(address));

  test('when a recorded message is delivered, then the server receives it once, with a stable Message-ID, and its secret data is erased', async () => {
    const message = reset();
    const id = await record(message);

    await expect(delivery()(id)).resolves.toBe('sent');

    const [mail] = mailTo(message.to);
    expect(mail?.subject).toBe('Reset your password');
    expect(mail?.text).toContain('https://app.example.test/reset#token=secret-token');
    expect(mail?.html).toContain('href="https://app.example.test/reset#token=secret-token"');
    expect(mail?.messageId).toBe(`<${id}@groundwork.test>`);
    const row = (await db('outboundEmails').where({ id }).first()) as { smtpResponse: string };
    expect(row).toMatchObject({ status: 'sent', attempts: 1, data: {}, lastError: null });
    expect(row.smtpResponse).toMatch(/^250/);
  });

  test('when the job is retried after a delivery, then nothing is sent again', async () => {
    const message = reset();
    const id = await record(message);
    await delivery()(id);

    await expect(delivery()(id)).resolves.toBe('skipped');

    expect(mailTo(message.to)).toHaveLength(1);
  });

  test('when two workers race on one message, then exactly one copy is sent', async () => {
    const message = reset();
    const id = await record(message);

    const outcomes = await Promise.all([delivery()(id), delivery()(id), delivery()(id)]);

    expect(outcomes.filter((outcome) => outcome === 'sent')).toHaveLength(1);
    expect(mailTo(message.to)).toHaveLength(1);
  });

  test('when the server answers 4xx, then the attempt fails, the message waits again and the next attempt sends it once', async () => {
    const message = reset();
    const id = await record(message);
    smtp.replyNext({ code: 451, message: 'Try again later' });

    await expect(delivery()(id)).rejects.toThrow(/Try again later/);
    expect(await db('outboundEmails').where({ id }).first()).toMatchObject({ status: 'queued', attempts: 1 });
    expect(mailTo(message.to)).toHaveLength(0);

    await expect(delivery()(id)).resolves.toBe('sent');
    expect(mailTo(message.to)).toHaveLength(1);
  });

  test('when the server refuses the recipient for good (5xx), then the message is dead-lettered without a retry', async () => {
    const id = await record(reset());
    smtp.replyNext({ code: 550, message: 'No such mailbox' });

    await expect(delivery()(id)).rejects.toBeInstanceOf(PermanentEmailError);

    expect(await db('outboundEmails').where({ id }).first()).toMatchObject({ status: 'failed' });
    await expect(delivery()(id)).resolves.toBe('skipped');
  });

  test('when the stored data no longer fits its template, then nothing is sent and the message is dead-lettered', async () => {
    const { id } = await emails().insert({ template: 'password-reset', recipient: 'broken@example.test', data: {} });

    await expect(delivery()(id)).rejects.toBeInstanceOf(PermanentEmailError);

    expect(await db('outboundEmails').where({ id }).first()).toMatchObject({ status: 'failed' });
    expect(mailTo('broken@example.test')).toHaveLength(0);
  });

  test('when the worker holding a message died, then a retry takes it over after the lease, and not before', async () => {
    const message = reset();
    const id = await record(message);
    // A worker claimed it and was killed before sending: the claim stays behind.
    await emails().claim(id, 60_000);

    await expect(delivery(60_000)(id)).resolves.toBe('skipped');
    await db('outboundEmails')
      .where({ id })
      .update({ sendingAt: db.raw("now() - interval '2 minutes'") });
    await expect(delivery(60_000)(id)).resolves.toBe('sent');

    expect(mailTo(message.to)).toHaveLength(1);
    expect(await db('outboundEmails').where({ id }).first()).toMatchObject({ status: 'sent', attempts: 2 });
  });

  test('when the transaction that recorded a message rolls back, then the message never exists', async () => {
    const message = reset();
    const uow = createUnitOfWork(db);

    await expect(
      uow.transaction(async (repositories) => {
        await outbox.record(repositories.outboundEmails, message);
        throw new Error('the signup failed');
      }),
    ).rejects.toThrow('the signup failed');

    expect(await db('outboundEmails').where({ recipient: message.to })).toHaveLength(0);
  });

  test('when queueing the delivery fails, then dispatch does not throw and the message waits for the sweeper', async () => {
    const failing = createEmailOutbox({ dispatch: () => Promise.reject(new Error('redis down')), logger });
    const id = await failing.record(emails(), reset());

    await expect(failing.dispatch(id)).resolves.toBeUndefined();

    const waiting = await emails().listWaitingIds(new Date(Date.now() + 1_000), 10_000);
    expect(waiting).toContain(id);
  });
});
