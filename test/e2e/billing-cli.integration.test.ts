import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { createBilling } from '@groundwork/billing';
import { createLogger } from '@groundwork/core';
import { createUnitOfWork, type Knex } from '@groundwork/db';
import type { Job } from 'bullmq';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { createStripeEventDeadLetter, createStripeEventHandler } from '../../apps/worker/src/jobs/stripe-event.job.js';
import { billingEnv, startStripeEmulator, testDb } from '../support/billing-stack.js';
import { incomingEventOf } from '../support/stripe-doubles.js';
import { testEnv } from '../support/test-env.js';
import { useTestDatabase } from '../support/use-test-database.js';

const run = promisify(execFile);
const database = useTestDatabase();
const logger = createLogger({ service: 'cli-test', level: 'silent' });
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSX = import.meta.resolve('tsx');
const emptyDir = mkdtempSync(join(tmpdir(), 'groundwork-cli-'));

describe('dead letters, replay and re-sync', () => {
  let emulator: Awaited<ReturnType<typeof startStripeEmulator>>;
  let db: Knex;
  beforeAll(async () => {
    emulator = await startStripeEmulator({ delivery: 'manual' });
    db = testDb(database.url);
  });
  afterAll(async () => {
    await db.destroy();
    await emulator.close();
  });

  function cli(script: string, args: string[], settings: Record<string, string> = billingEnv(emulator)) {
    const env = { PATH: process.env.PATH ?? '', ...testEnv({ DATABASE_URL: database.url, ...settings }) };
    return run(process.execPath, ['--import', TSX, join(ROOT, 'scripts', script), ...args], { cwd: emptyDir, env });
  }

  async function subscribedOrganization() {
    const inserted: { id: string }[] = await db('organizations').insert({ name: 'CLI' }).returning('id');
    const organizationId = inserted[0]?.id ?? '';
    const customer = emulator.state.createCustomer({ metadata: { organizationId } });
    await db('organizations').where({ id: organizationId }).update({ stripeCustomerId: customer.id });
    const subscription = emulator.state.subscribe(customer.id, 'price_pro_monthly');
    const event = emulator.state.events.find(
      (candidate) =>
        candidate.type === 'customer.subscription.created' &&
        (candidate.data.object as { id: string }).id === subscription.id,
    );
    return { organizationId, customer, subscription, event: event as NonNullable<typeof event> };
  }

  test('when an event fails on its last attempt, then it is dead-lettered with its error; replay re-drives it to processed', async () => {
    const { event, subscription } = await subscribedOrganization();
    const unreachable = new Stripe('sk_test_x', { host: '127.0.0.1', port: 1, protocol: 'http', maxNetworkRetries: 0 });
    const broken = createBilling({
      uow: createUnitOfWork(db),
      stripe: unreachable,
      prices: { pro: { month: 'price_pro_monthly' }, business: { month: 'price_business_monthly' } },
      pastDueGraceDays: 3,
      urls: { successUrl: 'https://x.test', cancelUrl: 'https://x.test', portalReturnUrl: 'https://x.test' },
      onEntitlementsChanged: async () => undefined,
      logger,
    });
    await broken.recordIncomingEvents([incomingEventOf(event)]);
    const handle = createStripeEventHandler({ billing: broken });
    const moveToDeadLetter = createStripeEventDeadLetter({ billing: broken, logger });
    const lastAttempt = { opts: { attempts: 3 }, attemptsMade: 2, data: { eventId: event.id } } as Job;

    const failure: unknown = await handle({ eventId: event.id }, lastAttempt).then(
      () => null,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(Error); // the handler rethrows, so BullMQ records the attempt as failed
    await moveToDeadLetter(lastAttempt, failure as Error); // what the worker's final-failure hook does
    const deadLetter: { status: string; lastError: string } = await db('stripeEvents')
      .where({ id: event.id })
      .first('status', 'lastError');
    expect(deadLetter.status).toBe('failed');
    expect(deadLetter.lastError).toMatch(/unavailable|connect/i);

    const { stdout } = await cli('billing-replay.ts', ['--failed']);

    expect(stdout).toContain(`${event.id}: processed`);
    const replayed: { status: string } = await db('stripeEvents').where({ id: event.id }).first('status');
    expect(replayed.status).toBe('processed');
    const local: { status: string } = await db('subscriptions').where({ id: subscription.id }).first('status');
    expect(local.status).toBe('active');
  });

  test('when local state drifted from Stripe, then re-sync of one organization corrects it and reports the drift', async () => {
    const { organizationId, subscription } = await subscribedOrganization();
    await cli('billing-resync.ts', ['--org', organizationId]);
    await db('subscriptions').where({ id: subscription.id }).update({ status: 'canceled' }); // a missed webhook, say

    const { stdout } = await cli('billing-resync.ts', ['--org', organizationId]);

    expect(stdout).toContain('Re-synced 1 of 1 organizations; 1 subscriptions had drifted from Stripe.');
    const local: { status: string } = await db('subscriptions').where({ id: subscription.id }).first('status');
    expect(local.status).toBe('active');
  });

  test('when run in development without Stripe settings, then the commands use the local emulator as `npm run dev` does', async () => {
    const { organizationId } = await subscribedOrganization();
    // What a developer's .env holds: no STRIPE_* at all; the emulator listens on DEV_STRIPE_EMULATOR_PORT.
    const development = { NODE_ENV: 'development', DEV_STRIPE_EMULATOR_PORT: String(emulator.port) };

    const { stdout, stderr } = await cli('billing-resync.ts', ['--org', organizationId], development);

    expect(stderr).toContain(`using the local Stripe emulator at ${emulator.url}`);
    expect(stdout).toContain('Re-synced 1 of 1 organizations');
  });

  test('when called without a target, then the commands explain their usage and exit 2', async () => {
    await expect(cli('billing-resync.ts', [])).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('Usage') as string,
    });
    await expect(cli('billing-replay.ts', [])).rejects.toMatchObject({ code: 2 });
  });
});
