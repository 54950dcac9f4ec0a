import { randomUUID } from 'node:crypto';

import { createOrganizationDeletion, createStripeClient } from '@groundwork/billing';
import { createLogger } from '@groundwork/core';
import { createUnitOfWork } from '@groundwork/db';
import { bullPrefix, organizationDeletionJobId } from '@groundwork/queue';
import { Queue, UnrecoverableError, type Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { followVerificationLink } from '../../apps/api/src/testing/teams.js';
import { apiClient, buildSignup, failureOf, tokensOf } from '../../apps/api/src/testing/http.js';
import { startTestApi, type TestApi } from '../../apps/api/src/testing/start-test-api.js';
import { createBillingHandler } from '../../apps/worker/src/jobs/billing.job.js';
import { billingTestConfig, type BillingStack, startBillingStack, type TestWorker } from '../support/billing-stack.js';
import { useTestDatabase } from '../support/use-test-database.js';

const database = useTestDatabase();
const logger = createLogger({ service: 'account-deletion-test', level: 'silent' });

describe('auth.deleteAccount', () => {
  let stack: BillingStack;
  let api: TestApi;
  let worker: TestWorker;
  let billingWorker: Worker;
  beforeAll(async () => {
    stack = await startBillingStack(database.url);
    ({ api, worker } = stack);
    const found = worker.running.workers.find((candidate) => candidate.name === 'billing');
    if (!found) throw new Error('the worker runtime has no billing worker');
    billingWorker = found;
  });
  afterAll(async () => {
    await stack.close();
  });

  async function account() {
    const input = buildSignup();
    const { user, tokens } = await apiClient(api.url).auth.signup.mutate(input);
    const client = apiClient(api.url, { token: tokens.accessToken });
    await followVerificationLink(api.db, client, user.email);
    const organizationId = (await client.auth.me.query()).memberships[0]?.organization.id ?? '';
    return { input, user, tokens, client, organizationId };
  }

  /** The organization gets a live subscription at the emulator, synced locally. */
  async function subscribe(client: Awaited<ReturnType<typeof account>>['client'], organizationId: string) {
    const checkout = await client.billing.createCheckoutSession.mutate({ organizationId, plan: 'pro' });
    const subscription = stack.emulator.completeCheckout(checkout.sessionId);
    await stack.reconciled();
    return subscription.id;
  }

  async function deletionOf(organizationId: string) {
    const row: { id: string; completedAt: Date | null; attempts: number } | undefined = await api
      .db('organizationDeletions')
      .where({ organizationId })
      .first('id', 'completedAt', 'attempts');
    if (!row) throw new Error(`no deletion recorded for ${organizationId}`);
    return row;
  }

  /** Resolves once the recorded deletion is completed (checked again after each finished billing job). */
  async function deletionCompleted(organizationId: string): Promise<void> {
    const done = async () => (await deletionOf(organizationId)).completedAt !== null;
    if (await done()) return;
    await new Promise<void>((resolve, reject) => {
      const check = () => {
        done().then((finished) => {
          if (!finished) return;
          billingWorker.off('completed', check);
          billingWorker.off('failed', check);
          resolve();
        }, reject);
      };
      billingWorker.on('completed', check);
      billingWorker.on('failed', check);
      check();
    });
  }

  test('when the password is wrong, then it is refused, audited, and nothing changes', async () => {
    const { input, user, client, organizationId } = await account();

    const error = await failureOf(client.auth.deleteAccount.mutate({ password: `${input.password}x` }));

    expect(error.data?.code).toBe('FORBIDDEN');
    expect(await client.auth.me.query()).toMatchObject({ user: { email: input.email } });
    expect(await api.db('memberships').where({ organizationId, userId: user.id }).first()).toBeDefined();
    expect(await api.db('organizationDeletions').where({ organizationId }).first()).toBeUndefined();
    const types = await api.db('auditEvents').where({ actorUserId: user.id }).pluck('type');
    expect(types).toContain('account.delete_failed');
    expect(types).not.toContain('account.deleted');
  });

  test('when the password is guessed repeatedly, then deleteAccount locks out like login and the account stays', async () => {
    const throttled = await startTestApi(
      billingTestConfig(database.url, stack.emulator, { LOGIN_MAX_CONSECUTIVE_FAILURES: '3' }),
    );
    try {
      const input = buildSignup();
      const { user, tokens } = await apiClient(throttled.url).auth.signup.mutate(input);
      const client = apiClient(throttled.url, { token: tokens.accessToken });
      const attempt = async (password: string) =>
        (await failureOf(client.auth.deleteAccount.mutate({ password }))).data?.code;

      const codes = [await attempt('guess-1'), await attempt('guess-2'), await attempt('guess-3')];
      const withRightPassword = await attempt(input.password);

      expect(codes).toEqual(['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN']);
      expect(withRightPassword).toBe('TOO_MANY_REQUESTS');
      expect(await api.db('users').where({ id: user.id }).whereNull('deletedAt')).toHaveLength(1);
    } finally {
      await throttled.close();
    }
  });

  test('when deleted, then every token is refused at once on every instance and personal data is gone', async () => {
    const { input, user, tokens, client } = await account();
    const secondDevice = tokensOf(
      await apiClient(api.url).auth.login.mutate({ email: input.email, password: input.password }),
    );
    const otherInstance = await startTestApi(stack.config);
    await api.db('outboundEmails').insert({ template: 'password-reset', recipient: input.email, data: {} });
    // A reset request the worker has not served yet (Redis down, say) holds the address and an IP.
    await api
      .db('passwordResetRequests')
      .insert({ email: input.email.toUpperCase(), ip: '192.0.2.7', requestId: 'pending-reset' });
    try {
      // Warm the other instance's caches with the session first.
      await apiClient(otherInstance.url, { token: secondDevice.accessToken }).auth.me.query();

      const outcome = await client.auth.deleteAccount.mutate({ password: input.password });

      expect(outcome).toEqual({ deletedOrganizations: 1, leftOrganizations: 0 });
      for (const [url, token] of [
        [api.url, tokens.accessToken],
        [api.url, secondDevice.accessToken],
        [otherInstance.url, tokens.accessToken],
        [otherInstance.url, secondDevice.accessToken],
      ] as const) {
        expect((await failureOf(apiClient(url, { token }).auth.me.query())).data?.code).toBe('UNAUTHORIZED');
      }
      const refresh = await failureOf(
        apiClient(api.url).auth.refresh.mutate({ refreshToken: secondDevice.refreshToken ?? '' }),
      );
      expect(refresh.data?.code).toBe('UNAUTHORIZED');
    } finally {
      await otherInstance.close();
    }
    const tombstone = (await api.db('users').where({ id: user.id }).first()) as Record<string, unknown>;
    expect(tombstone).toMatchObject({
      email: `deleted-${user.id}@deleted.invalid`,
      displayName: 'Deleted user',
      passwordHash: '!',
    });
    expect(tombstone.deletedAt).toBeInstanceOf(Date);
    expect(await api.db('refreshTokens').where({ userId: user.id })).toEqual([]);
    expect(await api.db('accountTokens').where({ userId: user.id })).toEqual([]);
    expect(await api.db('outboundEmails').where({ recipient: input.email })).toEqual([]);
    expect(await api.db('passwordResetRequests').where({ email: input.email })).toEqual([]);
    expect(await api.db('auditEvents').where({ actorUserId: user.id }).pluck('type')).toEqual(
      expect.arrayContaining(['signup', 'login.succeeded', 'account.deleted']),
    );
    const login = await failureOf(
      apiClient(api.url).auth.login.mutate({ email: input.email, password: input.password }),
    );
    expect(login.data?.code).toBe('UNAUTHORIZED');
    const again = await apiClient(api.url).auth.signup.mutate({ ...input, password: buildSignup().password });
    expect(again.user.id).not.toBe(user.id);
  });

  test('when an e-mail change is pending, then deletion also removes its link and the message to the new address', async () => {
    const { input, user, client } = await account();
    const newEmail = buildSignup().email;
    await client.auth.requestEmailChange.mutate({ newEmail });
    expect(await api.db('outboundEmails').where({ recipient: newEmail })).toHaveLength(1);

    await client.auth.deleteAccount.mutate({ password: input.password });

    expect(await api.db('accountTokens').where({ userId: user.id })).toEqual([]);
    expect(await api.db('outboundEmails').where({ recipient: newEmail })).toEqual([]);
  });

  test('when the user solely owned an organization, then its subscription is canceled at Stripe and it is deleted, once', async () => {
    const { input, user, client, organizationId } = await account();
    const subscriptionId = await subscribe(client, organizationId);

    await client.auth.deleteAccount.mutate({ password: input.password });
    await deletionCompleted(organizationId);

    expect(stack.emulator.state.subscriptions.get(subscriptionId)?.status).toBe('canceled');
    expect(await api.db('organizations').where({ id: organizationId }).first()).toBeUndefined();
    expect(await api.db('subscriptions').where({ organizationId })).toEqual([]);
    const deleted = (await api
      .db('auditEvents')
      .where({ type: 'organization.deleted', organizationId })
      .first()) as Record<string, unknown>;
    expect(deleted).toMatchObject({ actorUserId: user.id, metadata: { canceledSubscriptions: 1 } });
    const rerun = await worker.billing.completeOrganizationDeletion((await deletionOf(organizationId)).id);
    expect(rerun).toEqual({ completed: false, canceledSubscriptions: 0 });
    expect(await api.db('auditEvents').where({ type: 'organization.deleted', organizationId })).toHaveLength(1);
  });

  test('when the first attempt fails (Stripe unreachable), then the job still converges: canceled once and deleted', async () => {
    const { input, client, organizationId } = await account();
    const subscriptionId = await subscribe(client, organizationId);
    await billingWorker.pause();
    try {
      await client.auth.deleteAccount.mutate({ password: input.password });
      const { id } = await deletionOf(organizationId);
      const unreachable = createOrganizationDeletion({
        uow: createUnitOfWork(worker.db),
        stripe: createStripeClient({
          secretKey: 'sk_test_unreachable',
          apiBase: 'http://127.0.0.1:1',
          maxNetworkRetries: 0,
        }),
        logger,
      });

      await expect(unreachable.completeOrganizationDeletion(id)).rejects.toThrow();

      expect(await deletionOf(organizationId)).toMatchObject({ completedAt: null, attempts: 1 });
      expect(await api.db('organizations').where({ id: organizationId }).first()).toBeDefined();
      expect(stack.emulator.state.subscriptions.get(subscriptionId)?.status).toBe('active');
    } finally {
      await billingWorker.resume();
    }
    await deletionCompleted(organizationId);

    expect(stack.emulator.state.subscriptions.get(subscriptionId)?.status).toBe('canceled');
    expect(await api.db('organizations').where({ id: organizationId }).first()).toBeUndefined();
  });

  test('when the worker died after canceling and its job was lost, then the sweeper finishes the deletion without a second cancel', async () => {
    const { input, client, organizationId } = await account();
    const subscriptionId = await subscribe(client, organizationId);
    await billingWorker.pause();
    try {
      await client.auth.deleteAccount.mutate({ password: input.password });
      const { id } = await deletionOf(organizationId);
      // What the dead worker did before dying: the cancel, with the key a retry sends again.
      await worker.billing.stripe.subscriptions.cancel(
        subscriptionId,
        {},
        { idempotencyKey: `organization-deletion-${id}-${subscriptionId}` },
      );
      // ...and the job went with it (Redis lost it, say).
      const queue = new Queue('billing', {
        connection: worker.redis,
        prefix: bullPrefix(stack.config.redis.keyPrefix, worker.redis.isCluster),
      });
      await queue.remove(organizationDeletionJobId(id));
      expect(await queue.getJob(organizationDeletionJobId(id))).toBeUndefined();
      await queue.close();
    } finally {
      await billingWorker.resume();
    }
    const sweep = createBillingHandler({
      billing: worker.billing,
      enqueueEvent: worker.enqueueEvent,
      requeueOrganizationDeletion: worker.requeueOrganizationDeletion,
      logger,
      sweepGraceMs: 0,
    });

    expect(await sweep({ task: 'sweep-organization-deletions' })).toMatchObject({ enqueued: 1 });
    await deletionCompleted(organizationId);

    expect(await api.db('organizations').where({ id: organizationId }).first()).toBeUndefined();
    const cancellations = stack.emulator.state.events.filter(
      (event) =>
        event.type === 'customer.subscription.deleted' && (event.data.object as { id: string }).id === subscriptionId,
    );
    expect(cancellations).toHaveLength(1);
  });

  test('when the customer no longer exists at Stripe, then the organization is still deleted', async () => {
    const [organization]: { id: string; stripeCustomerId: string }[] = await api
      .db('organizations')
      .insert({ name: 'Gone at Stripe', stripeCustomerId: `cus_goneAtStripe${Date.now()}` })
      .returning(['id', 'stripeCustomerId']);
    const { user } = await account();
    const [deletion]: { id: string }[] = await api
      .db('organizationDeletions')
      .insert({
        organizationId: organization?.id,
        stripeCustomerId: organization?.stripeCustomerId,
        requestedByUserId: user.id,
      })
      .returning('id');

    const result = await worker.billing.completeOrganizationDeletion(deletion?.id ?? '');

    expect(result).toEqual({ completed: true, canceledSubscriptions: 0 });
    expect(await api.db('organizations').where({ id: organization?.id }).first()).toBeUndefined();
  });

  test('when a job names a deletion that was never recorded, then it fails for good instead of retrying', async () => {
    const handle = createBillingHandler({
      billing: worker.billing,
      enqueueEvent: worker.enqueueEvent,
      requeueOrganizationDeletion: worker.requeueOrganizationDeletion,
      logger,
      sweepGraceMs: 0,
    });

    await expect(handle({ task: 'delete-organization', deletionId: randomUUID() })).rejects.toBeInstanceOf(
      UnrecoverableError,
    );
  });

  test('when deleteAccount is called twice at once, then the account is deleted once and the second call is harmless', async () => {
    const { input, user, client, organizationId } = await account();

    const results = await Promise.allSettled([
      client.auth.deleteAccount.mutate({ password: input.password }),
      client.auth.deleteAccount.mutate({ password: input.password }),
    ]);
    await deletionCompleted(organizationId);

    expect(results.some((result) => result.status === 'fulfilled')).toBe(true);
    expect(await api.db('auditEvents').where({ actorUserId: user.id, type: 'account.deleted' })).toHaveLength(1);
    expect(await api.db('organizationDeletions').where({ organizationId })).toHaveLength(1);
    const later = await failureOf(client.auth.deleteAccount.mutate({ password: input.password }));
    expect(later.data?.code).toBe('UNAUTHORIZED');
  });

  test('when the organization has another owner, then it keeps its members and only loses the user', async () => {
    const leaving = await account();
    const owner = await account();
    const member = await account();
    const organizationId = owner.organizationId;
    await api.db('memberships').insert([
      { organizationId, userId: leaving.user.id, role: 'owner' },
      { organizationId, userId: member.user.id, role: 'member' },
    ]);

    const outcome = await leaving.client.auth.deleteAccount.mutate({ password: leaving.input.password });

    expect(outcome).toEqual({ deletedOrganizations: 1, leftOrganizations: 1 });
    const members: { userId: string }[] = await api
      .db('memberships')
      .where({ organizationId })
      .orderBy('role')
      .select('userId');
    expect(members.map((row) => row.userId)).toEqual([member.user.id, owner.user.id]);
    expect(await owner.client.organizations.get.query({ organizationId })).toMatchObject({ id: organizationId });
  });

  test('when the user is the only owner of an organization with other members, then deletion is refused and nothing changes', async () => {
    const leaving = await account();
    const member = await account();
    await api
      .db('memberships')
      .insert({ organizationId: leaving.organizationId, userId: member.user.id, role: 'admin' });

    const error = await failureOf(leaving.client.auth.deleteAccount.mutate({ password: leaving.input.password }));

    expect(error.data?.code).toBe('CONFLICT');
    expect(error.message).toMatch(/only owner.*transfer ownership/);
    expect(await leaving.client.auth.me.query()).toMatchObject({ user: { email: leaving.input.email } });
    expect(await api.db('memberships').where({ organizationId: leaving.organizationId })).toHaveLength(2);
    expect(await api.db('organizationDeletions').where({ organizationId: leaving.organizationId })).toEqual([]);
  });
});
