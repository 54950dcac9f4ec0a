import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { workerHeartbeatKey } from '@groundwork/queue';
import { afterEach, describe, expect, test } from 'vitest';

import { connectTestRedis } from '../../../test/support/redis-keys.js';
import { spawnService, type ServiceProcess } from '../../../test/support/spawn-service.js';
import { testEnv } from '../../../test/support/test-env.js';
import { useTestDatabase } from '../../../test/support/use-test-database.js';

const database = useTestDatabase();
const emptyDir = mkdtempSync(join(tmpdir(), 'groundwork-worker-'));

describe('worker process', () => {
  let service: ServiceProcess | undefined;
  afterEach(() => {
    service?.child.kill('SIGKILL');
    service = undefined;
  });

  test('when started, then it schedules and runs the heartbeat, serves /ready and /metrics, and exits 0 on SIGTERM', async () => {
    const env = testEnv({
      DATABASE_URL: database.url,
      LOG_LEVEL: 'debug',
      WORKER_HEALTH_PORT: '0',
      HOST: '127.0.0.1',
      WORKER_HEARTBEAT_INTERVAL_MS: '200',
      METRICS_TOKEN: 'scrape-token-q7Vh2LmX9pRt4sWz8NbK',
    });
    service = spawnService('apps/worker/src/main.ts', env, emptyDir);
    const started = await service.waitForLog((line) => line.msg === 'worker started');

    await service.waitForLog((line) => line.msg === 'job completed' && line.queue === 'housekeeping');
    const redis = await connectTestRedis();
    const heartbeat = await redis.get(workerHeartbeatKey(env.REDIS_KEY_PREFIX ?? ''));
    await redis.del(workerHeartbeatKey(env.REDIS_KEY_PREFIX ?? ''));
    redis.disconnect();
    const ready = await fetch(`http://127.0.0.1:${String(started.healthPort)}/ready`);

    expect(heartbeat).not.toBeNull();
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: 'ready',
      checks: { postgres: 'ok', redis: 'ok', migrations: 'ok', stripe: 'degraded: not configured' },
    });

    const metrics = await fetch(`http://127.0.0.1:${String(started.healthPort)}/metrics`, {
      headers: { authorization: 'Bearer scrape-token-q7Vh2LmX9pRt4sWz8NbK' },
    });
    const text = await metrics.text();
    expect(metrics.status).toBe(200);
    expect(text).toMatch(/groundwork_queue_jobs\{[^}]*queue="stripe-events"/);
    expect(text).toMatch(/groundwork_stripe_inbox_lag_seconds\{[^}]*\} 0/);
    expect(text).toMatch(/groundwork_job_processing_seconds_count\{[^}]*queue="housekeeping"[^}]*outcome="completed"/);
    expect((await fetch(`http://127.0.0.1:${String(started.healthPort)}/metrics`)).status).toBe(401);

    service.child.kill('SIGTERM');
    expect(await service.exited).toEqual({ code: 0, signal: null });
    await service.waitForLog((line) => line.msg === 'shutdown complete');
  });
});
