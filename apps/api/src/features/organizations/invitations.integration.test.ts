import { randomBytes, randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { testConfig } from '../../../../../test/support/test-env.js';
import { useTestDatabase } from '../../../../../test/support/use-test-database.js';
import { apiClient, failureOf } from '../../testing/http.js';
import { startTestApi, type TestApi } from '../../testing/start-test-api.js';
import { invitationLinkTo, signedUp, verifiedSignup } from '../../testing/teams.js';

const database = useTestDatabase();
const newAddress = () => `invitee-${randomUUID()}@example.test`;

describe('organizations: invitations', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi(testConfig({ DATABASE_URL: database.url, INVITATION_TTL_DAYS: '3' }));
  });
  afterAll(async () => {
    await api.close();
  });

  const auditTypes = async (organizationId: string) => {
    const rows: { type: string }[] = await api.db('auditEvents').where({ organizationId }).orderBy('id').select('type');
    return rows.map((row) => row.type);
  };
  const invitationRows = (organizationId: string) => api.db('invitations').where({ organizationId });
  /** Puts the organization on Pro (20 members) as a reconciled Stripe subscription would; returns its id. */
  async function onPro(organizationId: string): Promise<string> {
    const id = `sub_teams_${randomBytes(4).toString('hex')}`;
    await api.db('subscriptions').insert({
      id,
      organizationId,
      stripeCustomerId: 'cus_teams',
      status: 'active',
      priceId: 'price_pro_monthly',
      planKey: 'pro',
      currentPeriodStart: new Date(),
      currentPeriodEnd: new Date(Date.now() + 30 * 86_400_000),
      stripeCreatedAt: new Date(),
    });
    return id;
  }

  test('when an owner invites an existing account, then the e-mailed link lets that account join with the role, once', async () => {
    // Arrange
    const owner = await verifiedSignup(api.url, api.db);
    const invitee = await signedUp(api.url);

    // Act
    const invitation = await owner.client.organizations.invite.mutate({
      organizationId: owner.organizationId,
      email: invitee.user.email.toUpperCase(),
      role: 'admin',
    });
    const link = await invitationLinkTo(api.db, invitee.user.email);
    const joined = await invitee.client.organizations.acceptInvitation.mutate({ token: link.token });
    const reused = await failureOf(invitee.client.organizations.acceptInvitation.mutate({ token: link.token }));

    // Assert
    expect(link.url.pathname).toBe('/accept-invitation');
    expect(link.token).toMatch(/^gwi_[A-Za-z0-9_-]{43}$/);
    expect(link.text).toContain('valid for 3 days');
    expect(new Date(invitation.expiresAt).getTime() - Date.now()).toBeGreaterThan(3 * 86_400_000 - 60_000);
    expect(joined).toEqual({ organizationId: owner.organizationId, role: 'admin' });
    expect(reused.data?.code).toBe('BAD_REQUEST');
    expect(await owner.client.organizations.members.query({ organizationId: owner.organizationId })).toEqual([
      expect.objectContaining({ userId: owner.user.id, role: 'owner' }),
      expect.objectContaining({ userId: invitee.user.id, role: 'admin' }),
    ]);
    expect((await invitee.client.auth.me.query()).user.emailVerifiedAt).not.toBeNull();
    const [stored] = (await invitationRows(owner.organizationId)) as { tokenHash: Buffer }[];
    expect(stored?.tokenHash.toString('utf8')).not.toContain(link.token);
    expect(await auditTypes(owner.organizationId)).toEqual([
      'signup',
      'organization.member_invited',
      'organization.invitation_accepted',
    ]);
  });

  test('when someone signs up through the link, then the account has the invited address, verified, and joined; the link is spent', async () => {
    const owner = await verifiedSignup(api.url, api.db);
    const email = newAddress();
    await owner.client.organizations.invite.mutate({ organizationId: owner.organizationId, email, role: 'member' });
    const { token } = await invitationLinkTo(api.db, email);
    const password = `Gw!${randomBytes(12).toString('base64url')}`;

    const joined = await apiClient(api.url).organizations.acceptInvitationWithSignup.mutate({
      token,
      password,
      displayName: 'New Colleague',
    });
    const again = await failureOf(
      apiClient(api.url).organizations.acceptInvitationWithSignup.mutate({ token, password, displayName: 'Twice' }),
    );
    const member = apiClient(api.url, { token: joined.tokens.accessToken });

    expect(joined).toMatchObject({ organizationId: owner.organizationId, role: 'member', user: { email } });
    expect(joined.user.emailVerifiedAt).not.toBeNull();
    expect(again.data?.code).toBe('BAD_REQUEST');
    expect(await member.organizations.get.query({ organizationId: owner.organizationId })).toMatchObject({
      id: owner.organizationId,
    });
    await expect(apiClient(api.url).auth.login.mutate({ email, password })).resolves.toMatchObject({});
  });

  test('when the invited address already has an account, then signing up through the link is a CONFLICT and changes nothing', async () => {
    const owner = await verifiedSignup(api.url, api.db);
    const invitee = await signedUp(api.url);
    await owner.client.organizations.invite.mutate({
      organizationId: owner.organizationId,
      email: invitee.user.email,
      role: 'member',
    });
    const { token } = await invitationLinkTo(api.db, invitee.user.email);

    const signup = await failureOf(
      apiClient(api.url).organizations.acceptInvitationWithSignup.mutate({
        token,
        password: `Gw!${randomBytes(12).toString('base64url')}`,
        displayName: 'Impostor',
      }),
    );

    expect(signup.data?.code).toBe('CONFLICT');
    await expect(invitee.client.organizations.acceptInvitation.mutate({ token })).resolves.toMatchObject({
      role: 'member',
    });
  });

  test('when a signed-in account with another address presents the link, then FORBIDDEN and the invitation stays usable', async () => {
    const owner = await verifiedSignup(api.url, api.db);
    const invitee = await signedUp(api.url);
    const other = await signedUp(api.url);
    await owner.client.organizations.invite.mutate({
      organizationId: owner.organizationId,
      email: invitee.user.email,
      role: 'member',
    });
    const { token } = await invitationLinkTo(api.db, invitee.user.email);

    const refused = await failureOf(other.client.organizations.acceptInvitation.mutate({ token }));
    const forged = await failureOf(other.client.organizations.acceptInvitation.mutate({ token: `${token}x` }));

    expect(refused.data?.code).toBe('FORBIDDEN');
    expect(forged.data?.code).toBe('BAD_REQUEST');
    await expect(other.client.organizations.get.query({ organizationId: owner.organizationId })).rejects.toMatchObject({
      data: { code: 'FORBIDDEN', details: { reason: 'NOT_A_MEMBER' } },
    });
    await expect(invitee.client.organizations.acceptInvitation.mutate({ token })).resolves.toMatchObject({
      organizationId: owner.organizationId,
    });
  });

  test('when an invitation expires, then its link is refused and the list marks it; resending sends a new link and the old one stays dead', async () => {
    const owner = await verifiedSignup(api.url, api.db);
    const invitee = await signedUp(api.url);
    const { invitationId } = await owner.client.organizations.invite.mutate({
      organizationId: owner.organizationId,
      email: invitee.user.email,
      role: 'member',
    });
    const old = await invitationLinkTo(api.db, invitee.user.email);
    await api
      .db('invitations')
      .where({ id: invitationId })
      .update({ expiresAt: new Date(Date.now() - 1000) });

    const expired = await failureOf(invitee.client.organizations.acceptInvitation.mutate({ token: old.token }));
    const listed = await owner.client.organizations.invitations.query({ organizationId: owner.organizationId });
    await owner.client.organizations.resendInvitation.mutate({ organizationId: owner.organizationId, invitationId });
    const fresh = await invitationLinkTo(api.db, invitee.user.email);
    const stale = await failureOf(invitee.client.organizations.acceptInvitation.mutate({ token: old.token }));

    expect(expired.data?.code).toBe('BAD_REQUEST');
    expect(listed).toEqual([
      expect.objectContaining({ id: invitationId, email: invitee.user.email, role: 'member', expired: true }),
    ]);
    expect(JSON.stringify(listed)).not.toMatch(/gwi_|token/i);
    expect(fresh.token).not.toBe(old.token);
    expect(stale.data?.code).toBe('BAD_REQUEST');
    await expect(invitee.client.organizations.acceptInvitation.mutate({ token: fresh.token })).resolves.toMatchObject({
      role: 'member',
    });
    expect(await auditTypes(owner.organizationId)).toContain('organization.invitation_resent');
  });

  test('when an invitation is revoked, then its link is refused; another organization cannot revoke, resend or list it', async () => {
    const owner = await verifiedSignup(api.url, api.db);
    const intruder = await signedUp(api.url);
    const invitee = await signedUp(api.url);
    const { invitationId } = await owner.client.organizations.invite.mutate({
      organizationId: owner.organizationId,
      email: invitee.user.email,
      role: 'member',
    });
    const { token } = await invitationLinkTo(api.db, invitee.user.email);

    const crossRevoke = await failureOf(
      intruder.client.organizations.revokeInvitation.mutate({ organizationId: intruder.organizationId, invitationId }),
    );
    const crossResend = await failureOf(
      intruder.client.organizations.resendInvitation.mutate({ organizationId: intruder.organizationId, invitationId }),
    );
    const foreignList = await failureOf(
      intruder.client.organizations.invitations.query({ organizationId: owner.organizationId }),
    );
    await owner.client.organizations.revokeInvitation.mutate({ organizationId: owner.organizationId, invitationId });
    const revoked = await failureOf(invitee.client.organizations.acceptInvitation.mutate({ token }));

    expect([crossRevoke.data?.code, crossResend.data?.code, foreignList.data?.code]).toEqual([
      'NOT_FOUND',
      'NOT_FOUND',
      'FORBIDDEN',
    ]);
    expect(revoked.data?.code).toBe('BAD_REQUEST');
    expect(await owner.client.organizations.invitations.query({ organizationId: owner.organizationId })).toEqual([]);
    expect(await auditTypes(owner.organizationId)).toContain('organization.invitation_revoked');
  });

  test('when an admin invites an owner or a member invites anyone, then FORBIDDEN and nothing is stored or sent', async () => {
    const owner = await verifiedSignup(api.url, api.db);
    const admin = await verifiedSignup(api.url, api.db);
    const member = await signedUp(api.url);
    await api.db('memberships').insert([
      { organizationId: owner.organizationId, userId: admin.user.id, role: 'admin' },
      { organizationId: owner.organizationId, userId: member.user.id, role: 'member' },
    ]);
    await onPro(owner.organizationId);
    const email = newAddress();

    const adminOwner = await failureOf(
      admin.client.organizations.invite.mutate({ organizationId: owner.organizationId, email, role: 'owner' }),
    );
    const memberInvite = await failureOf(
      member.client.organizations.invite.mutate({ organizationId: owner.organizationId, email, role: 'member' }),
    );
    const adminAdmin = await admin.client.organizations.invite.mutate({
      organizationId: owner.organizationId,
      email: newAddress(),
      role: 'admin',
    });

    expect(adminOwner.data?.code).toBe('FORBIDDEN');
    expect(memberInvite.data?.code).toBe('FORBIDDEN');
    expect(adminAdmin.role).toBe('admin');
    expect(await api.db('outboundEmails').where({ recipient: email })).toHaveLength(0);
    expect(await invitationRows(owner.organizationId)).toHaveLength(1);
  });

  test('when an invitation would pass the plan’s members limit, then PAYMENT_REQUIRED with the limit and the count, and nothing is stored', async () => {
    // Free plan: 3 members, pending invitations included.
    const owner = await verifiedSignup(api.url, api.db);
    for (const _ of [1, 2]) {
      await owner.client.organizations.invite.mutate({
        organizationId: owner.organizationId,
        email: newAddress(),
        role: 'member',
      });
    }
    const email = newAddress();

    const over = await failureOf(
      owner.client.organizations.invite.mutate({ organizationId: owner.organizationId, email, role: 'member' }),
    );

    expect(over.data?.code).toBe('PAYMENT_REQUIRED');
    expect(over.data?.details).toEqual({ limit: 'members', max: 3, current: 3, plan: 'free' });
    expect(await invitationRows(owner.organizationId)).toHaveLength(2);
    expect(await api.db('outboundEmails').where({ recipient: email })).toHaveLength(0);
  });

  test('when a plan is downgraded below the members present, then they all stay, but no invitation is sent or accepted, and a signup through a link creates no account', async () => {
    const owner = await verifiedSignup(api.url, api.db);
    const subscriptionId = await onPro(owner.organizationId);
    const colleagues = [await signedUp(api.url), await signedUp(api.url), await signedUp(api.url)];
    for (const colleague of colleagues) {
      await owner.client.organizations.invite.mutate({
        organizationId: owner.organizationId,
        email: colleague.user.email,
        role: 'member',
      });
      const { token } = await invitationLinkTo(api.db, colleague.user.email);
      await colleague.client.organizations.acceptInvitation.mutate({ token });
    }
    const late = await signedUp(api.url);
    await owner.client.organizations.invite.mutate({
      organizationId: owner.organizationId,
      email: late.user.email,
      role: 'member',
    });
    const { token } = await invitationLinkTo(api.db, late.user.email);
    const newcomerEmail = newAddress();
    await owner.client.organizations.invite.mutate({
      organizationId: owner.organizationId,
      email: newcomerEmail,
      role: 'member',
    });
    const newcomerLink = await invitationLinkTo(api.db, newcomerEmail);

    await api.db('subscriptions').where({ id: subscriptionId }).update({ status: 'canceled' });
    const invite = await failureOf(
      owner.client.organizations.invite.mutate({
        organizationId: owner.organizationId,
        email: newAddress(),
        role: 'member',
      }),
    );
    const accept = await failureOf(late.client.organizations.acceptInvitation.mutate({ token }));
    const signup = await failureOf(
      apiClient(api.url).organizations.acceptInvitationWithSignup.mutate({
        token: newcomerLink.token,
        password: `Gw!${randomBytes(12).toString('base64url')}`,
        displayName: 'Newcomer',
      }),
    );

    expect(invite.data?.details).toEqual({ limit: 'members', max: 3, current: 6, plan: 'free' });
    expect(signup.data?.code).toBe('PAYMENT_REQUIRED');
    expect(await api.db('users').where({ email: newcomerEmail })).toHaveLength(0); // the account rolled back with it
    expect(accept.data?.code).toBe('PAYMENT_REQUIRED');
    expect(accept.data?.details).toEqual({ limit: 'members', max: 3, current: 4, plan: 'free' });
    expect(await owner.client.organizations.members.query({ organizationId: owner.organizationId })).toHaveLength(4);
    expect(await owner.client.organizations.invitations.query({ organizationId: owner.organizationId })).toHaveLength(
      2,
    );
  });

  test('when resending an expired invitation would take a seat the plan lacks, or an admin resends an owner’s invitation, then it is refused and the old link stays as it was', async () => {
    const owner = await verifiedSignup(api.url, api.db);
    const admin = await verifiedSignup(api.url, api.db);
    await api.db('memberships').insert({ organizationId: owner.organizationId, userId: admin.user.id, role: 'admin' });
    const organizationId = owner.organizationId;
    const expiring = await owner.client.organizations.invite.mutate({
      organizationId,
      email: newAddress(),
      role: 'owner',
    });
    await api
      .db('invitations')
      .where({ id: expiring.invitationId })
      .update({ expiresAt: new Date(Date.now() - 1000) });
    await owner.client.organizations.invite.mutate({ organizationId, email: newAddress(), role: 'member' });

    const overLimit = await failureOf(
      owner.client.organizations.resendInvitation.mutate({ organizationId, invitationId: expiring.invitationId }),
    );
    const byAdmin = await failureOf(
      admin.client.organizations.resendInvitation.mutate({ organizationId, invitationId: expiring.invitationId }),
    );

    expect(overLimit.data?.details).toEqual({ limit: 'members', max: 3, current: 3, plan: 'free' });
    expect(byAdmin.data?.code).toBe('FORBIDDEN');
    const [row] = (await api.db('invitations').where({ id: expiring.invitationId })) as { expiresAt: Date }[];
    expect(row?.expiresAt.getTime()).toBeLessThan(Date.now());
  });

  test('when the address already belongs to a member, then inviting it is a CONFLICT, and so is a link of someone who joined meanwhile', async () => {
    const owner = await verifiedSignup(api.url, api.db);
    const invitee = await signedUp(api.url);
    const organizationId = owner.organizationId;
    await owner.client.organizations.invite.mutate({ organizationId, email: invitee.user.email, role: 'member' });
    const first = await invitationLinkTo(api.db, invitee.user.email);
    await invitee.client.organizations.acceptInvitation.mutate({ token: first.token });

    const again = await failureOf(
      owner.client.organizations.invite.mutate({ organizationId, email: invitee.user.email, role: 'admin' }),
    );
    const self = await failureOf(
      owner.client.organizations.invite.mutate({ organizationId, email: owner.user.email, role: 'member' }),
    );

    const latecomer = await signedUp(api.url);
    await owner.client.organizations.invite.mutate({ organizationId, email: latecomer.user.email, role: 'member' });
    const link = await invitationLinkTo(api.db, latecomer.user.email);
    await api.db('memberships').insert({ organizationId, userId: latecomer.user.id, role: 'member' });
    const joinedMeanwhile = await failureOf(
      latecomer.client.organizations.acceptInvitation.mutate({ token: link.token }),
    );

    expect([again.data?.code, self.data?.code, joinedMeanwhile.data?.code]).toEqual([
      'CONFLICT',
      'CONFLICT',
      'CONFLICT',
    ]);
    expect(await invitationRows(organizationId)).toHaveLength(2);
  });
});
