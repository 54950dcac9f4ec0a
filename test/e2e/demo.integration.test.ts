import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Knex } from '@groundwork/db';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { invitationLinkTo } from '../../apps/api/src/testing/teams.js';
import { runDemo } from '../../scripts/lib/demo.js';
import { runTeamsDemo } from '../../scripts/lib/demo-teams.js';
import { outboxLinks } from '../../scripts/lib/outbox-links.js';
import { billingEnv, startStripeEmulator, TEST_WEBHOOK_SECRET } from '../support/billing-stack.js';
import { connectTestDatabase } from '../support/postgres-admin.js';
import { type ServiceProcess, spawnService } from '../support/spawn-service.js';
import { testEnv } from '../support/test-env.js';
import { useTestDatabase } from '../support/use-test-database.js';

const database = useTestDatabase();
const emptyDir = mkdtempSync(join(tmpdir(), 'groundwork-demo-'));

describe('the demo journeys with API and worker as separate processes, as in production', () => {
  const services: ServiceProcess[] = [];
  let emulator: Awaited<ReturnType<typeof startStripeEmulator>> | undefined;
  let apiUrl = '';
  let db: Knex | undefined;
  const outbox = () => {
    if (!db) throw new Error('no database connection');
    return outboxLinks(db);
  };
  beforeAll(async () => {
    emulator = await startStripeEmulator();
    const env = testEnv({
      DATABASE_URL: database.url,
      ...billingEnv(emulator),
      PORT: '0',
      HOST: '127.0.0.1',
      WORKER_HEALTH_PORT: '0',
    });
    const api = spawnService('apps/api/src/main.ts', env, emptyDir);
    const worker = spawnService('apps/worker/src/main.ts', env, emptyDir);
    services.push(api, worker);
    const listening = await api.waitForLog((line) => line.msg === 'api listening');
    await worker.waitForLog((line) => line.msg === 'worker started');
    apiUrl = `http://127.0.0.1:${String(listening.port)}`;
    emulator.setWebhookTarget({ url: `${apiUrl}/webhooks/stripe`, secret: TEST_WEBHOOK_SECRET });
    db = connectTestDatabase(database.url, { statementTimeoutMs: 10_000 });
  });
  afterAll(async () => {
    for (const service of services) {
      service.child.kill('SIGTERM');
      await service.exited;
    }
    await emulator?.close();
    await db?.destroy();
  });

  test('when a user signs up, hits the gate, checks out, and cancels, then every step succeeds across processes', async () => {
    const steps: string[] = [];
    await runDemo({
      apiUrl,
      emulatorUrl: emulator?.url ?? '',
      verificationLink: (email) => outbox().verificationLink(email),
      log: (line) => steps.push(line),
      timeoutMs: 20_000,
    });

    expect(steps.filter((line) => line.startsWith('✔'))).toHaveLength(9);
    expect(steps).toContainEqual(expect.stringMatching(/^✔ e-mail address verified through the e-mailed link/));
    expect(steps.at(-1)).toMatch(/^Done in \d+ ms\.$/);
  });

  test('when an owner invites, the colleague joins through the link and uses the gated feature, then after removal the next call is refused', async () => {
    const steps: string[] = [];
    await runTeamsDemo({
      apiUrl,
      emulatorUrl: emulator?.url ?? '',
      invitationLink: async (email) => {
        if (!db) throw new Error('no database connection');
        return (await invitationLinkTo(db, email)).url.toString();
      },
      verificationLink: (email) => outbox().verificationLink(email),
      log: (line) => steps.push(line),
      timeoutMs: 20_000,
    });

    expect(steps.filter((line) => line.startsWith('✔'))).toHaveLength(7);
    expect(steps).toContain(
      '  403 FORBIDDEN: You are not a member of this organization, or it does not exist: check the organization id, or ask an owner or admin of the organization to invite you',
    );
    expect(steps.at(-1)).toMatch(/^Done in \d+ ms\.$/);
  });
});
