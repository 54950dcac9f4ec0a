import { randomUUID } from 'node:crypto';

import { isEmailNotVerified } from '@groundwork/client';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { failureOf } from '../../apps/api/src/testing/http.js';
import { signedUp, verified } from '../../apps/api/src/testing/teams.js';
import { type BillingStack, startBillingStack } from '../support/billing-stack.js';
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
    expect(await api.db('invitations').where({ organizationId: owner.organizationId })).toHaveLength(1);
  });
});
