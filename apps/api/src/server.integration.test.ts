import { afterAll, describe, expect, test } from 'vitest';
import { z } from 'zod';

import { testConfig } from '../../../test/support/test-env.js';
import { useTestDatabase } from '../../../test/support/use-test-database.js';
import { startTestApi, type TestApi } from './testing/start-test-api.js';
import { publicProcedure } from './trpc/procedures.js';
import { router } from './trpc/t.js';

const database = useTestDatabase();

describe('closing the HTTP server', () => {
  let api: TestApi | undefined;
  afterAll(async () => {
    await api?.close();
  });

  test('when a request is in flight on a keep-alive connection, then it completes and close resolves right after it, long before the budget', async () => {
    let release: () => void = () => undefined;
    let started: () => void = () => undefined;
    const hasStarted = new Promise<void>((resolve) => (started = resolve));
    const slowRouter = router({
      slow: publicProcedure.input(z.void()).query(async () => {
        started();
        await new Promise<void>((resolve) => (release = resolve));
        return 'done';
      }),
    });
    api = await startTestApi(testConfig({ DATABASE_URL: database.url }), { router: slowRouter });

    const response = fetch(`${api.url}/trpc/slow`); // fetch keeps connections alive by default
    await hasStarted;
    // A budget far beyond the test timeout: if close waited for the force timer, the test would time out.
    const closed = api.server.close(10 * 60_000);
    release();

    const answer = await response;
    expect(answer.status).toBe(200);
    expect(answer.headers.get('connection')).toBe('close');
    expect(await answer.json()).toEqual({ result: { data: 'done' } });
    await closed;
  });
});
