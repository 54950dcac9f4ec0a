import { randomUUID } from 'node:crypto';

import { createLogger } from '@groundwork/core';
import { createUnitOfWork, type Knex } from '@groundwork/db';
import { EMAIL_JOB_NAME } from '@groundwork/queue';
import type { Job, JobsOptions, Worker } from 'bullmq';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';

import { testDb } from '../../../../test/support/billing-stack.js';
import { createLogCapture } from '../../../../test/support/log-capture.js';
import { deleteKeys, keysWithPrefix } from '../../../../test/support/redis-keys.js';
import { redisReady } from '../../../../test/support/redis-ready.js';
import { type SmtpCatcher, startSmtpCatcher } from '../../../../test/support/smtp-catcher.js';
import { testConfig } from '../../../../test/support/test-env.js';
import { useTestDatabase } from '../../../../test/support/use-test-database.js';
import { createWorkerRuntime, type WorkerRuntime } from '../runtime.js';

const database = useTestDatabase();

describe('the emails queue, through the worker runtime to a real SMTP server', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  let db: Knex;
  beforeAll(() => {
    db = testDb(database.url);
  });
  afterAll(() => db.destroy());
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function catcher(port?: number): Promise<SmtpCatcher> {
    const smtp = await startSmtpCatcher({ port });
    cleanups.push(() => smtp.close());
    return smtp;
  }

  function startWorker(env: Record<string, string>) {
    const logs = createLogCapture();
    const config = testConfig({ DATABASE_URL: database.url, ...env });
    const runtime = createWorkerRuntime({
      config,
      logger: createLogger({ service: 'worker-test', level: 'info' }, logs.stream),
    });
    cleanups.push(() => runtime.close());
    return {
      runtime,
      logs,
      keyPrefix: config.redis.keyPrefix,
      emails: workerOf(runtime, 'emails'),
      housekeeping: workerOf(runtime, 'housekeeping'),
    };
  }

  function workerOf(runtime: WorkerRuntime, name: string): Worker {
    const worker = runtime.running.workers.find((candidate) => candidate.name === name);
    if (!worker) throw new Error(`no ${name} worker`);
    return worker;
  }

  /** Resolves with the job when `worker` next emits `event` for it (attach before the job can run). */
  function next(worker: Worker, event: 'completed' | 'failed', jobId: string): Promise<Job> {
    return new Promise((resolve) => {
      const listener = (job: Job | undefined) => {
        if (job?.id !== jobId) return;
        worker.off(event, listener);
        resolve(job);
      };
      worker.on(event, listener);
    });
  }

  async function record(createdAt?: Date): Promise<string> {
    const { id } = await createUnitOfWork(db).repositories.outboundEmails.insert({
      template: 'email-verification',
      recipient: `${randomUUID()}@example.test`,
      data: { displayName: 'Ada', verifyUrl: 'https://app.example.test/verify-email?token=t', expiresInHours: 24 },
    });
    if (createdAt) await db('outboundEmails').where({ id }).update({ createdAt });
    return id;
  }

  type Row = { status: string; attempts: number; lastError: string | null; data: Record<string, unknown> };
  const row = async (id: string) => (await db('outboundEmails').where({ id }).first()) as Row;
  const mailsOf = (smtp: SmtpCatcher, id: string) => smtp.received.filter((mail) => mail.messageId?.includes(id));

  async function dispatch(runtime: WorkerRuntime, id: string, options: JobsOptions = {}) {
    await redisReady(runtime.redis);
    await runtime.producers.emails.enqueue(EMAIL_JOB_NAME, { emailId: id }, { jobId: id, ...options });
  }

  test('when a message is queued, then it arrives once with a Message-ID of its own, and a retried job for it sends nothing more', async () => {
    const smtp = await catcher();
    const { runtime, emails } = startWorker({ SMTP_URL: smtp.url });
    const id = await record();

    const sent = next(emails, 'completed', id);
    await dispatch(runtime, id);
    expect((await sent).returnvalue).toEqual({ emailId: id, outcome: 'sent' });
    const again = next(emails, 'completed', `${id}-again`);
    await dispatch(runtime, id, { jobId: `${id}-again` });

    expect((await again).returnvalue).toEqual({ emailId: id, outcome: 'skipped' });
    expect(mailsOf(smtp, id)).toHaveLength(1);
    expect(mailsOf(smtp, id)[0]?.messageId).toBe(`<${id}@localhost>`);
    // The link (a secret) is erased once delivered.
    expect(await row(id)).toMatchObject({ status: 'sent', attempts: 1, data: {} });
  });

  test('when the SMTP server answers a transient 4xx, then the job is retried with backoff and the message arrives exactly once', async () => {
    const smtp = await catcher();
    const { runtime, emails } = startWorker({ SMTP_URL: smtp.url });
    const id = await record();
    smtp.replyNext({ code: 451, message: 'Try again later' });

    const failedOnce = next(emails, 'failed', id);
    const delivered = next(emails, 'completed', id);
    await dispatch(runtime, id);

    expect((await failedOnce).attemptsMade).toBe(1);
    expect((await delivered).returnvalue).toEqual({ emailId: id, outcome: 'sent' });
    expect(mailsOf(smtp, id)).toHaveLength(1);
    expect(await row(id)).toMatchObject({ status: 'sent', attempts: 2 });
  });

  test('when the SMTP server is down and comes back, then the queued message is delivered', async () => {
    const down = await startSmtpCatcher();
    await down.close();
    const { runtime, emails } = startWorker({ SMTP_URL: down.url });
    const id = await record();

    const refused = next(emails, 'failed', id);
    const delivered = next(emails, 'completed', id);
    await dispatch(runtime, id);
    await refused;
    expect(await row(id)).toMatchObject({
      status: 'queued',
      lastError: expect.stringMatching(/ECONNREFUSED/) as string,
    });
    const up = await startSmtpCatcher({ port: down.port });
    // Closed after the worker: a server waits for the clients still connected to it (the worker's SMTP pool).
    cleanups.unshift(() => up.close());

    await delivered;
    expect(mailsOf(up, id)).toHaveLength(1);
    expect((await row(id)).status).toBe('sent');
  });

  test('when the SMTP server refuses the message for good (5xx), then the job fails at once and the message is dead-lettered, logged and counted', async () => {
    const smtp = await catcher();
    const { runtime, emails, logs } = startWorker({ SMTP_URL: smtp.url });
    const id = await record();
    smtp.replyNext({ code: 550, message: 'No such mailbox' });

    const failed = next(emails, 'failed', id);
    await dispatch(runtime, id);
    const job = await failed;
    await logs.waitFor((line) => line.msg === 'e-mail moved to dead letter' && line.emailId === id);

    expect(job.attemptsMade).toBe(1);
    expect(await job.getState()).toBe('failed');
    expect(await row(id)).toMatchObject({ status: 'failed', lastError: expect.stringMatching(/550/) as string });
    expect((await runtime.metrics.emailsDeadLettered.get()).values[0]?.value).toBe(1);
    expect(mailsOf(smtp, id)).toHaveLength(0);
  });

  test('when every attempt fails, then after the last one the message is dead-lettered with the last error', async () => {
    const smtp = await catcher();
    const { runtime, logs } = startWorker({ SMTP_URL: smtp.url });
    const id = await record();
    smtp.replyNext({ code: 451, message: 'Busy' });
    smtp.replyNext({ code: 452, message: 'Still busy' });

    await dispatch(runtime, id, { attempts: 2, backoff: { type: 'fixed', delay: 10 } });
    await logs.waitFor((line) => line.msg === 'e-mail moved to dead letter' && line.emailId === id);

    expect(await row(id)).toMatchObject({
      status: 'failed',
      attempts: 2,
      lastError: expect.stringMatching(/452/) as string,
    });
    expect((await runtime.metrics.emailsDeadLettered.get()).values[0]?.value).toBe(1);
    expect(mailsOf(smtp, id)).toHaveLength(0);
  });

  test('when a recorded message was never queued, then the scheduled outbox sweep queues it after the grace, and leaves a younger one to its own dispatch', async () => {
    const smtp = await catcher();
    const grace = { EMAIL_OUTBOX_SWEEP_GRACE_MS: '60000' };
    const lost = await record(new Date(Date.now() - 120_000));
    const young = await record();

    const { runtime, emails, housekeeping } = startWorker({ SMTP_URL: smtp.url, ...grace });
    const swept = new Promise<Job>((resolve) => {
      housekeeping.on('completed', (job) => job.name === 'sweep-email-outbox' && resolve(job));
    });
    const delivered = next(emails, 'completed', lost);

    expect((await swept).returnvalue).toEqual({ task: 'sweep-email-outbox', enqueued: 1 });
    await delivered;
    expect(mailsOf(smtp, lost)).toHaveLength(1);
    expect(await runtime.producers.emails.queue.getJob(young)).toBeUndefined();
    expect((await row(young)).status).toBe('queued');
  });

  test('when Redis loses its data, then e-mail waiting in the outbox is queued again at once, without the grace', async () => {
    const smtp = await catcher();
    const { runtime, emails, keyPrefix } = startWorker({
      SMTP_URL: smtp.url,
      EMAIL_OUTBOX_SWEEP_GRACE_MS: '600000',
      WORKER_SCHEDULE_CHECK_INTERVAL_MS: '100',
    });
    await runtime.schedules.registered;
    const waiting = await record();
    const delivered = next(emails, 'completed', waiting);

    // This test's keys only: the schedules and queues of its prefix vanish, as after a restart without persistence.
    await deleteKeys(runtime.redis, await keysWithPrefix(runtime.redis, keyPrefix));

    await delivered;
    expect(mailsOf(smtp, waiting)).toHaveLength(1);
  });

  test('when e-mail is disabled, then a queued message is dead-lettered unsent, saying why, and no SMTP server is needed', async () => {
    const { runtime, emails } = startWorker({ EMAIL_DELIVERY: 'disabled', SMTP_URL: 'smtp://127.0.0.1:1' });
    const id = await record();

    const done = next(emails, 'completed', id);
    await dispatch(runtime, id);

    expect((await done).returnvalue).toEqual({ emailId: id, outcome: 'disabled' });
    expect(await row(id)).toMatchObject({
      status: 'failed',
      lastError: expect.stringMatching(/EMAIL_DELIVERY=disabled/) as string,
    });
  });
});
