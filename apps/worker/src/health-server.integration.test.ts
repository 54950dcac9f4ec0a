import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createLogger } from '@groundwork/core';
import { listMigrationFiles, migrateLatest } from '@groundwork/db';
import { startStripeEmulator } from '@groundwork/stripe-emulator';
import { afterEach, describe, expect, test } from 'vitest';

import { createLogCapture } from '../../../test/support/log-capture.js';
import { connectTestDatabase, createDatabase, dropDatabase } from '../../../test/support/postgres-admin.js';
import { fetchReady, readyUntil } from '../../../test/support/ready-probe.js';
import { redisReady } from '../../../test/support/redis-ready.js';
import { databaseUrl, PROJECT_MIGRATIONS_DIR, testConfig, uniqueName } from '../../../test/support/test-env.js';
import { createWorkerRuntime } from './runtime.js';

describe("worker's /ready", () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** The database as the previous release left it: every migration but the newest applied. */
  async function databaseOneMigrationBehind() {
    const name = uniqueName('gwt_worker_behind_');
    await createDatabase(name);
    cleanups.push(() => dropDatabase(name));
    const migrations = await listMigrationFiles(PROJECT_MIGRATIONS_DIR);
    const previousRelease = await mkdtemp(join(tmpdir(), 'groundwork-previous-release-'));
    cleanups.push(() => rm(previousRelease, { recursive: true, force: true }));
    for (const { file } of migrations.slice(0, -1)) {
      await copyFile(join(PROJECT_MIGRATIONS_DIR, file), join(previousRelease, file));
    }
    const db = connectTestDatabase(databaseUrl(name), { statementTimeoutMs: 0 });
    cleanups.push(() => db.destroy());
    await migrateLatest(db, previousRelease);
    return { url: databaseUrl(name), db, newest: migrations.at(-1)?.name ?? '' };
  }

  test('when the newest migration is missing, then /ready is 503 naming it, and 200 once it is applied, with Stripe ok on the emulator', async () => {
    const behind = await databaseOneMigrationBehind();
    const emulator = await startStripeEmulator();
    cleanups.push(() => emulator.close());
    const config = testConfig({
      DATABASE_URL: behind.url,
      MIGRATION_CHECK_INTERVAL_MS: '100',
      STRIPE_SECRET_KEY: 'sk_test_worker_health',
      STRIPE_API_BASE: emulator.url,
    });
    const logs = createLogCapture();
    const logger = createLogger({ service: 'worker', level: 'info' }, logs.stream);
    const runtime = createWorkerRuntime({ config, logger });
    cleanups.push(() => runtime.close());
    await redisReady(runtime.redis);
    const { port } = await runtime.listen(0, '127.0.0.1');
    const url = `http://127.0.0.1:${port}`;

    const before = await fetchReady(url);
    const logged = await logs.waitFor((line) => line.check === 'migrations' && line.level === 'error');
    await migrateLatest(behind.db, PROJECT_MIGRATIONS_DIR);
    const after = await readyUntil(url, (answer) => answer.status === 200 && answer.body.checks.stripe !== 'unknown');

    expect(before).toEqual({
      status: 503,
      body: {
        status: 'unavailable',
        checks: expect.objectContaining({ migrations: `pending: ${behind.newest}` }) as unknown,
      },
    });
    expect(logged.state).toBe(`pending: ${behind.newest}`);
    expect(after.body).toEqual({
      status: 'ready',
      checks: { postgres: 'ok', redis: 'ok', migrations: 'ok', stripe: 'ok' },
    });
  });
});
