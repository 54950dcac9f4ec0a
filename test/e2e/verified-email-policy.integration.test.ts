import { randomUUID } from 'node:crypto';

import { isEmailNotVerified } from '@groundwork/client';
import { createLogger } from '@groundwork/core';
import { EMAIL_DELIVERY_DISABLED_WARNING } from '@groundwork/email';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { createWorkerRuntime } from '../../apps/worker/src/runtime.js';
import { apiClient, buildSignup, failureOf } from '../../apps/api/src/testing/http.js';
import { signedUp, verified } from '../../apps/api/src/testing/teams.js';
import { type BillingStack, startBillingStack } from '../support/billing-stack.js';
import { createLogCapture } from '../support/log-capture.js';
import { useTestDatabase } from '../support/use-test-database.js';

const database = useTestDatabase();

describe('verified-address policy: checkouts and invitations need a verified e-mail address', () => {
  let stack: BillingStack;
  beforeAll(async () => {
    stack = await startBillingStack(database.url);
  });
  afterAll(async () => {
    await stack.close();
  });

  test('when an unverified owner starts a checkout or invites, then FORBIDDEN with EMAIL_NOT_VERIFIED and nothing is created', async () => {
    const { api, emulator } = stack;
    const owner = await signedUp(api.url);
    const email = `invitee-${randomUUID()}@example.test`;
    const customersBefore = emulator.state.customers.size;
    const sessionsBefore = emulator.state.checkoutSessions.size;

    const checkout = await failureOf(
      owner.client.billing.createCheckoutSession.mutate({ organizationId: owner.organizationId, plan: 'pro' }),
    );
    const invite = await failureOf(
      owner.client.organizations.invite.mutate({ organizationId: owner.organizationId, email, role: 'member' }),
    );

    for (const refused of [checkout, invite]) {
      expect(refused.data?.code).toBe('FORBIDDEN');
      expect(refused.data?.httpStatus).toBe(403);
      expect(refused.data?.details).toEqual({ reason: 'EMAIL_NOT_VERIFIED' });
      expect(isEmailNotVerified(refused)).toBe(true);
    }
    expect(emulator.state.customers.size).toBe(customersBefore);
    expect(emulator.state.checkoutSessions.size).toBe(sessionsBefore);
    const organization: { stripeCustomerId: string | null } = await api
      .db('organizations')
      .where({ id: owner.organizationId })
      .first('stripeCustomerId');
    expect(organization.stripeCustomerId).toBeNull();
    expect(await api.db('invitations').where({ organizationId: owner.organizationId })).toEqual([]);
    expect(await api.db('outboundEmails').where({ recipient: email })).toEqual([]);
  });

  test('when the owner follows the e-mailed verification link, then the same checkout and invitation are allowed', async () => {
    const { api, emulator } = stack;
    const owner = await verified(api.db, await signedUp(api.url));
    const email = `invitee-${randomUUID()}@example.test`;

    const checkout = await owner.client.billing.createCheckoutSession.mutate({
      organizationId: owner.organizationId,
      plan: 'pro',
    });
    const invitation = await owner.client.organizations.invite.mutate({
      organizationId: owner.organizationId,
      email,
      role: 'member',
    });

    expect((await owner.client.auth.me.query()).user.emailVerifiedAt).not.toBeNull();
    expect(emulator.state.checkoutSessions.get(checkout.sessionId)?.status).toBe('open');
    expect(invitation.role).toBe('member');
    expect(invitation).not.toHaveProperty('acceptUrl');
    expect(await api.db('invitations').where({ organizationId: owner.organizationId })).toHaveLength(1);
    expect(await api.db('outboundEmails').where({ recipient: email, template: 'invitation' })).toHaveLength(1);
  });
});

describe('with e-mail delivery off (EMAIL_DELIVERY=disabled): no address can be verified, so nothing waits on one (ADR 029)', () => {
  const APP_URL = 'https://app.example.test';
  let stack: BillingStack;
  beforeAll(async () => {
    stack = await startBillingStack(database.url, { EMAIL_DELIVERY: 'disabled', APP_URL });
  });
  afterAll(async () => {
    await stack.close();
  });

  test('when the API and the worker start, then each logs one warning saying what is off and what it means', async () => {
    const workerLogs = createLogCapture();
    const worker = createWorkerRuntime({
      config: stack.config,
      logger: createLogger({ service: 'worker', level: 'info' }, workerLogs.stream),
    });
    await worker.close();

    for (const lines of [stack.api.logs.lines, workerLogs.lines]) {
      const warnings = lines.filter((line) => line.msg === EMAIL_DELIVERY_DISABLED_WARNING);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]?.level).toBe('warn');
    }
    expect(EMAIL_DELIVERY_DISABLED_WARNING).toMatch(/verification, password-reset or invitation e-mail is sent/);
  });

  test('when an owner who could never verify checks out and invites, then both succeed and the invitation link comes back instead of an e-mail', async () => {
    const { api, emulator } = stack;
    const owner = await signedUp(api.url);
    const email = `invitee-${randomUUID()}@example.test`;

    const checkout = await owner.client.billing.createCheckoutSession.mutate({
      organizationId: owner.organizationId,
      plan: 'pro',
    });
    const invitation = await owner.client.organizations.invite.mutate({
      organizationId: owner.organizationId,
      email,
      role: 'member',
    });

    expect((await owner.client.auth.me.query()).user.emailVerifiedAt).toBeNull();
    expect(emulator.state.checkoutSessions.get(checkout.sessionId)?.status).toBe('open');
    const link = new URL(invitation.acceptUrl ?? '');
    expect(`${link.origin}${link.pathname}`).toBe(`${APP_URL}/accept-invitation`);
    expect(link.searchParams.get('token')).toMatch(/^gwi_[\w-]{43}$/);
    expect(await api.db('outboundEmails').where({ recipient: email })).toEqual([]);
    const listed = await owner.client.organizations.invitations.query({ organizationId: owner.organizationId });
    expect(listed.map((open) => open.id)).toEqual([invitation.invitationId]);
  });

  test('when the owner resends and the invitee signs up with the handed-over link, then they join, the old link is refused, and the address stays unverified', async () => {
    const { api } = stack;
    const owner = await signedUp(api.url);
    const email = `invitee-${randomUUID()}@example.test`;
    const first = await owner.client.organizations.invite.mutate({
      organizationId: owner.organizationId,
      email,
      role: 'member',
    });

    const resent = await owner.client.organizations.resendInvitation.mutate({
      organizationId: owner.organizationId,
      invitationId: first.invitationId,
    });
    const tokenOf = (url: string | undefined) => new URL(url ?? '').searchParams.get('token') ?? '';
    const { password, displayName } = buildSignup();
    const stale = await failureOf(
      apiClient(api.url).organizations.acceptInvitationWithSignup.mutate({
        token: tokenOf(first.acceptUrl),
        password,
        displayName,
      }),
    );
    const joined = await apiClient(api.url).organizations.acceptInvitationWithSignup.mutate({
      token: tokenOf(resent.acceptUrl),
      password,
      displayName,
    });

    expect(stale.data?.code).toBe('BAD_REQUEST');
    expect(joined).toMatchObject({ organizationId: owner.organizationId, role: 'member', user: { email } });
    expect(joined.user.emailVerifiedAt).toBeNull();
    expect(await api.db('outboundEmails').where({ recipient: email, template: 'invitation' })).toEqual([]);
  });
});
