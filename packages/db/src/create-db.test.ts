import { describe, expect, test } from 'vitest';

import { knexConfig } from './create-db.js';

const options = {
  url: 'postgres://app@127.0.0.1:6432/app',
  pool: { min: 0, max: 5 },
  idleTimeoutMs: 1_000,
  statementTimeoutMs: 10_000,
  connectTimeoutMs: 1_000,
};

describe('knexConfig', () => {
  test('when a statement timeout is set, then it is not sent as a startup parameter (PgBouncer refuses statement_timeout and options)', () => {
    const connection = knexConfig(options).connection as Record<string, unknown>;

    expect(connection).not.toHaveProperty('statement_timeout');
    expect(connection).not.toHaveProperty('options');
    expect(connection.query_timeout).toBe(10_000);
  });

  test('when the timeout is 0 (migrations), then there is no client-side cap either', () => {
    const connection = knexConfig({ ...options, statementTimeoutMs: 0 }).connection as Record<string, unknown>;

    expect(connection).not.toHaveProperty('query_timeout');
  });
});
