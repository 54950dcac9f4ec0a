import type { Config } from '@groundwork/config';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { startTestWorker, type TestWorker } from '../../../../../test/support/billing-stack.js';
import { startPrivateRedis, type PrivateRedis } from '../../../../../test/support/private-redis.js';
import { type SmtpCatcher, startSmtpCatcher } from '../../../../../test/support/smtp-catcher.js';
import { testConfig, uniqueKeyPrefix } from '../../../../../test/support/test-env.js';
import { useTestDatabase } from '../../../../../test/support/use-test-database.js';
import { apiClient, buildSignup, rawCall } from '../../testing/http.js';
import { startTestApi, type TestApi } from '../../testing/start-test-api.js';

const database = useTestDatabase();
const RESET_SUBJECT = /password/i;

function mailSettings(smtp: SmtpCatcher) {
  return {
    DATABASE_URL: database.url,
    SMTP_URL: smtp.url,
    EMAIL_DELIVERY: 'smtp',
    APP_URL: 'https://app.example.test',
    // The sweeper runs often and takes every stored request, so the test waits on it, not on a minute.
    EMAIL_OUTBOX_SWEEP_INTERVAL_MS: '300',
    EMAIL_OUTBOX_SWEEP_GRACE_MS: '1',
    WORKER_SCHEDULE_CHECK_INTERVAL_MS: '300',
  };
}

// The request is stored before it is queued (ADR 030): these fail when the job is the only record of it.
describe('issue 13: a password-reset request whose job is lost is still served', () => {
  let smtp: SmtpCatcher;

  beforeAll(async () => {
    smtp = await startSmtpCatcher();
  });
  afterAll(async () => {
    await smtp.close();
  });

  test('when the job is lost before any worker takes it, then the sweeper queues the stored request again and the link arrives', async () => {
    const config: Config = testConfig({ ...mailSettings(smtp), REDIS_KEY_PREFIX: uniqueKeyPrefix() });
    const api: TestApi = await startTestApi(config);
    let worker: TestWorker | undefined;
    try {
      const input = buildSignup();
      await apiClient(api.url).auth.signup.mutate(input);
      const from = smtp.received.length;
      await apiClient(api.url).auth.requestPasswordReset.mutate({ email: input.email });
      // Lost: the job vanishes from Redis (a flush, a failover to an empty replica) before a worker ran it.
      const housekeeping = api.services.queues.find((queue) => queue.name === 'housekeeping');
      const [job] = (await housekeeping?.getJobs(['waiting'])) ?? [];
      expect(job?.name).toBe('password-reset-request');
      await job?.remove();
      expect(await housekeeping?.getJobs(['waiting', 'active', 'delayed'])).toEqual([]);

      worker = await startTestWorker(config);

      const mail = await smtp.mailTo(input.email, from, RESET_SUBJECT);
      expect(mail.text).toMatch(/https:\/\/app\.example\.test\/reset-password\?token=\S+/);
      expect(await api.db('passwordResetRequests').where({ email: input.email })).toEqual([]);
    } finally {
      await api.close();
      await worker?.close();
    }
  });

  describe('with Redis down when the request arrives', () => {
    let redis: PrivateRedis;
    let api: TestApi;
    let worker: TestWorker;
    beforeAll(async () => {
      redis = await startPrivateRedis();
      const config = testConfig({ ...mailSettings(smtp), REDIS_URL: redis.url });
      api = await startTestApi(config);
      worker = await startTestWorker(config);
    });
    afterAll(async () => {
      await api?.close();
      await worker?.close();
      await redis?.stop();
    });

    test('when Redis is down at request time, then every address gets the usual answer, and once Redis is back the account gets its link and the stranger nothing', async () => {
      const input = buildSignup();
      await apiClient(api.url).auth.signup.mutate(input);
      const stranger = buildSignup().email;
      const from = smtp.received.length;
      await redis.stop();

      const known = await rawCall(api.url, 'auth.requestPasswordReset', { body: { email: input.email } });
      const unknown = await rawCall(api.url, 'auth.requestPasswordReset', { body: { email: stranger } });
      expect(known.status).toBe(200);
      expect(unknown.text).toBe(known.text);
      expect(await api.db('passwordResetRequests').whereIn('email', [input.email, stranger])).toHaveLength(2);

      await redis.start();

      const mail = await smtp.mailTo(input.email, from, RESET_SUBJECT);
      expect(mail.text).toMatch(/https:\/\/app\.example\.test\/reset-password\?token=\S+/);
      // Served and gone, the stranger's too (no account, so no mail): no address stays stored.
      await expect
        .poll(async () => api.db('passwordResetRequests').whereIn('email', [input.email, stranger]), {
          timeout: 10_000,
        })
        .toEqual([]);
      expect(await api.db('outboundEmails').where({ recipient: stranger })).toEqual([]);
    });
  });
});
