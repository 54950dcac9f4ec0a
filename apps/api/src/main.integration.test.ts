import { mkdtempSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, test } from 'vitest';

import { spawnService, type ServiceProcess } from '../../../test/support/spawn-service.js';
import { testEnv } from '../../../test/support/test-env.js';
import { useTestDatabase } from '../../../test/support/use-test-database.js';

const database = useTestDatabase();
const emptyDir = mkdtempSync(join(tmpdir(), 'groundwork-api-'));

describe('api process', () => {
  let service: ServiceProcess | undefined;
  afterEach(() => {
    service?.child.kill('SIGKILL');
    service = undefined;
  });

  test('when DATABASE_URL is missing and PORT is invalid, then it exits 1 naming both before listening', async () => {
    service = spawnService('apps/api/src/main.ts', { PORT: 'http' }, emptyDir);

    const { code } = await service.exited;

    expect(code).toBe(1);
    expect(service.stderr()).toContain('DATABASE_URL: is required');
    expect(service.stderr()).toContain('PORT: expected a port number');
  });

  test('when SIGTERM arrives during a request, then the request completes, new connections are refused and it exits 0', async () => {
    // PostgreSQL that accepts the connection and never answers: /ready stays in flight until its timeout.
    const connections: Socket[] = [];
    // The first connection is the migrations check, made at start-up; the second is /ready's ping.
    let probeConnected: () => void = () => undefined;
    const probeConnection = new Promise<void>((resolve) => (probeConnected = resolve));
    const silentPostgres = createServer((socket) => {
      if (connections.push(socket) === 2) probeConnected();
    });
    await new Promise<void>((resolve) => silentPostgres.listen(0, '127.0.0.1', resolve));
    const dbUrl = new URL(database.url);
    dbUrl.port = String((silentPostgres.address() as { port: number }).port);
    service = spawnService(
      'apps/api/src/main.ts',
      testEnv({
        DATABASE_URL: dbUrl.toString(),
        PORT: '0',
        HOST: '127.0.0.1',
        READY_CHECK_TIMEOUT_MS: '1500',
        SHUTDOWN_TIMEOUT_MS: '4000',
      }),
      emptyDir,
    );
    const listening = await service.waitForLog((line) => line.msg === 'api listening');
    const baseUrl = `http://127.0.0.1:${String(listening.port)}`;

    const inFlight = fetch(`${baseUrl}/ready`);
    await probeConnection; // the request is now inside the app, waiting on the database
    service.child.kill('SIGTERM');
    await service.waitForLog((line) => line.msg === 'shutdown started');

    await expect(fetch(`${baseUrl}/health`)).rejects.toThrow();
    const response = await inFlight;
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ checks: { postgres: 'failed' } });
    expect(await service.exited).toEqual({ code: 0, signal: null });
    await service.waitForLog((line) => line.msg === 'shutdown complete');

    connections.forEach((socket) => socket.destroy());
    silentPostgres.close();
  });
});
