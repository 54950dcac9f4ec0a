import type { Config } from '@groundwork/config';

import { startTestApi, type TestApi } from '../../apps/api/src/testing/start-test-api.js';
import { startTestWorker, type TestWorker } from './billing-stack.js';
import { type SmtpCatcher, startSmtpCatcher } from './smtp-catcher.js';
import { testConfig, uniqueKeyPrefix } from './test-env.js';

/** Where the stack's e-mailed links point. */
export const MAIL_STACK_APP_URL = 'https://app.example.test';

/**
 * An API and a worker that deliver e-mail over SMTP to a real catcher: what
 * a test of an e-mailed flow reads its links from.
 */
export async function startMailStack(
  databaseUrl: string,
  options: { env?: Record<string, string>; api?: Parameters<typeof startTestApi>[1] } = {},
): Promise<{ smtp: SmtpCatcher; config: Config; api: TestApi; worker: TestWorker; close: () => Promise<void> }> {
  const smtp = await startSmtpCatcher();
  const config = testConfig({
    DATABASE_URL: databaseUrl,
    REDIS_KEY_PREFIX: uniqueKeyPrefix(),
    SMTP_URL: smtp.url,
    EMAIL_DELIVERY: 'smtp',
    APP_URL: MAIL_STACK_APP_URL,
    ...options.env,
  });
  const api = await startTestApi(config, options.api);
  const worker = await startTestWorker(config);
  return {
    smtp,
    config,
    api,
    worker,
    async close() {
      await api.close();
      // The catcher's close waits for connected clients: the worker's SMTP pool goes first.
      await worker.close();
      await smtp.close();
    },
  };
}

export type MailStack = Awaited<ReturnType<typeof startMailStack>>;
