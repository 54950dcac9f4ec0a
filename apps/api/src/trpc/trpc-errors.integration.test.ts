import { AppError } from '@groundwork/core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { z } from 'zod';

import { productionTestConfig, testConfig } from '../../../../test/support/test-env.js';
import { useTestDatabase } from '../../../../test/support/use-test-database.js';
import { generateApiKey } from '../features/api-keys/api-key-secret.js';
import { startTestApi, type TestApi } from '../testing/start-test-api.js';
import { planProcedure, protectedProcedure, publicProcedure } from './procedures.js';
import { router } from './t.js';

const database = useTestDatabase();

/** Procedures that fail the ways real ones do, mounted through the real app and middleware chain. */
function buildFailingRouter(getApi: () => TestApi) {
  return router({
    rawSqlFailure: publicProcedure.input(z.void()).query(async () => {
      await getApi().db.raw('select * from table_that_does_not_exist');
      return 'unreachable';
    }),
    missingThing: publicProcedure.input(z.void()).query(() => {
      throw new AppError('NOT_FOUND', 'Invoice 42 not found', { details: { resource: 'invoice' } });
    }),
    bug: publicProcedure.input(z.void()).query(() => {
      throw new AppError('INTERNAL', 'invariant broken: ledger sum is -3');
    }),
    whoAmI: protectedProcedure.input(z.void()).query(({ ctx }) => ctx.session.userId),
    echo: publicProcedure.input(z.strictObject({ text: z.string().max(10_000) })).mutation(({ input }) => input.text),
    gated: planProcedure('analytics')
      .input(z.strictObject({ organizationId: z.uuid() }))
      .query(() => 'unreachable without a plan'),
  });
}

type ErrorBody = { error: { message: string; data: Record<string, unknown> } };

async function call(api: TestApi, path: string): Promise<{ status: number; body: ErrorBody; raw: string }> {
  const response = await fetch(`${api.url}/trpc/${path}`);
  const raw = await response.text();
  return { status: response.status, body: JSON.parse(raw) as ErrorBody, raw };
}

describe.each([
  { env: 'production' as const, exposed: false },
  { env: 'test' as const, exposed: false },
  { env: 'development' as const, exposed: true },
])('tRPC errors in $env', ({ env, exposed }) => {
  let api: TestApi;
  beforeAll(async () => {
    const settings = { DATABASE_URL: database.url, HTTP_BODY_LIMIT_BYTES: '2048' };
    const config = env === 'production' ? productionTestConfig(settings) : testConfig({ ...settings, NODE_ENV: env });
    api = await startTestApi(config, { router: buildFailingRouter(() => api) });
  });
  afterAll(async () => {
    await api.close();
  });

  test(`when SQL fails inside a procedure, then the client ${exposed ? 'sees' : 'never sees'} the SQL text and stack`, async () => {
    const { status, body, raw } = await call(api, 'rawSqlFailure');

    expect(status).toBe(500);
    expect(body.error.data.code).toBe('INTERNAL_SERVER_ERROR');
    expect(body.error.data.requestId).toEqual(expect.any(String));
    if (exposed) {
      expect(raw).toContain('table_that_does_not_exist');
      expect(body.error.data.stack).toEqual(expect.any(String));
    } else {
      expect(body.error.message).toBe('Internal server error');
      expect(raw).not.toMatch(/table_that_does_not_exist|select|\.ts:\d+|at /);
      expect(body.error.data).not.toHaveProperty('stack');
    }
  });

  test('when SQL fails, then the full error is logged once with the request id', async () => {
    const { body } = await call(api, 'rawSqlFailure');

    const line = await api.logs.waitFor(
      (entry) => entry.msg === 'procedure failed' && entry.reqId === body.error.data.requestId,
    );
    expect(JSON.stringify(line)).toContain('table_that_does_not_exist');
  });

  test('when a service throws an operational AppError, then its code and message reach the client', async () => {
    const { status, body } = await call(api, 'missingThing');

    expect(status).toBe(404);
    expect(body.error.message).toBe('Invoice 42 not found');
    expect(body.error.data).toMatchObject({ code: 'NOT_FOUND', details: { resource: 'invoice' } });
  });

  test(`when a service throws a non-operational AppError, then its message is ${exposed ? 'shown' : 'masked'}`, async () => {
    const { status, body } = await call(api, 'bug');

    expect(status).toBe(500);
    expect(body.error.message).toBe(exposed ? 'invariant broken: ledger sum is -3' : 'Internal server error');
  });

  test('when a protected procedure is called without a session, then UNAUTHORIZED', async () => {
    const { status, body } = await call(api, 'whoAmI');

    expect(status).toBe(401);
    expect(body.error.data.code).toBe('UNAUTHORIZED');
  });

  test('when a JSON body exceeds the configured limit, then 413 and the mutation does not run', async () => {
    const post = (text: string) =>
      fetch(`${api.url}/trpc/echo`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text }),
      });

    const small = await post('hello');
    const large = await post('x'.repeat(4096));

    expect(small.status).toBe(200);
    expect(large.status).toBe(413);
  });

  test('when a mutation input has unknown keys, then BAD_REQUEST names them', async () => {
    const response = await fetch(`${api.url}/trpc/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'hi', role: 'owner' }),
    });
    const body = (await response.json()) as ErrorBody;

    expect(response.status).toBe(400);
    expect(JSON.stringify(body.error.data.zodError)).toContain('role');
  });

  test('when a plan-gated call names no valid organization, then BAD_REQUEST names the field, before any access check', async () => {
    const missing = await call(api, `gated?input=${encodeURIComponent(JSON.stringify({}))}`);
    const malformed = await call(api, `gated?input=${encodeURIComponent(JSON.stringify({ organizationId: 7 }))}`);

    for (const { status, body } of [missing, malformed]) {
      expect(status).toBe(400);
      expect(body.error.data.code).toBe('BAD_REQUEST');
      expect(JSON.stringify(body.error.data.zodError)).toContain('organizationId');
    }
  });
});

describe('tRPC errors before the procedure', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi(productionTestConfig({ DATABASE_URL: database.url }), {
      router: buildFailingRouter(() => api),
    });
  });
  afterAll(async () => {
    await api.close();
  });

  test('when making the context fails (an API key looked up while the database is gone), then the failure is logged with the request id', async () => {
    // Arrange: a well-formed key this instance has not cached, so its lookup must reach the database, which is gone.
    await api.db.destroy();
    const requestId = 'context-failure-0001';

    // Act
    const response = await fetch(`${api.url}/trpc/missingThing`, {
      headers: { authorization: `Bearer ${generateApiKey('test').key}`, 'x-request-id': requestId },
    });

    // Assert: the client gets the generic answer and the id; the log has the cause, under that id.
    expect(response.status).toBe(500);
    expect(response.headers.get('x-request-id')).toBe(requestId);
    expect(await response.text()).not.toMatch(/acquire|pool|knex|destroy/i);
    const line = await api.logs.waitFor((entry) => entry.msg === 'procedure failed');
    expect(line.reqId).toBe(requestId);
  });
});
