import type { Role } from '@groundwork/db';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { testConfig } from '../../../../../test/support/test-env.js';
import { useTestDatabase } from '../../../../../test/support/use-test-database.js';
import { failureOf } from '../../testing/http.js';
import { startTestApi, type TestApi } from '../../testing/start-test-api.js';
import { type SignedUp, signedUp } from '../../testing/teams.js';

const database = useTestDatabase();

describe('organizations: members', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi(testConfig({ DATABASE_URL: database.url }));
  });
  afterAll(async () => {
    await api.close();
  });

  /** An organization owned by a new account, with more new accounts in the given roles. */
  async function team(...roles: Role[]) {
    const owner = await signedUp(api.url);
    const others: SignedUp[] = [];
    for (const role of roles) {
      const colleague = await signedUp(api.url);
      await api.db('memberships').insert({ organizationId: owner.organizationId, userId: colleague.user.id, role });
      others.push(colleague);
    }
    return { owner, others, organizationId: owner.organizationId };
  }
  const roleOf = async (organizationId: string, userId: string) => {
    const row: { role: Role } | undefined = await api.db('memberships').where({ organizationId, userId }).first('role');
    return row?.role;
  };
  const ownerCount = async (organizationId: string) =>
    (await api.db('memberships').where({ organizationId, role: 'owner' })).length;
  const auditTypes = async (organizationId: string) => {
    const rows: { type: string }[] = await api.db('auditEvents').where({ organizationId }).orderBy('id').select('type');
    return rows.map((row) => row.type);
  };

  test('when an admin tries to make an owner or to touch an owner, then FORBIDDEN; an owner promotes and demotes', async () => {
    const { owner, others, organizationId } = await team('admin', 'member');
    const [admin, member] = others as [SignedUp, SignedUp];

    const promoteToOwner = await failureOf(
      admin.client.organizations.changeRole.mutate({ organizationId, userId: member.user.id, role: 'owner' }),
    );
    const demoteOwner = await failureOf(
      admin.client.organizations.changeRole.mutate({ organizationId, userId: owner.user.id, role: 'member' }),
    );
    const selfPromote = await failureOf(
      admin.client.organizations.changeRole.mutate({ organizationId, userId: admin.user.id, role: 'owner' }),
    );
    const byMember = await failureOf(
      member.client.organizations.changeRole.mutate({ organizationId, userId: member.user.id, role: 'admin' }),
    );
    await admin.client.organizations.changeRole.mutate({ organizationId, userId: member.user.id, role: 'admin' });
    await owner.client.organizations.changeRole.mutate({ organizationId, userId: admin.user.id, role: 'owner' });

    expect([promoteToOwner, demoteOwner, selfPromote, byMember].map((error) => error.data?.code)).toEqual([
      'FORBIDDEN',
      'FORBIDDEN',
      'FORBIDDEN',
      'FORBIDDEN',
    ]);
    expect(await roleOf(organizationId, member.user.id)).toBe('admin');
    expect(await roleOf(organizationId, admin.user.id)).toBe('owner');
    expect(await auditTypes(organizationId)).toEqual([
      'signup',
      'organization.role_changed',
      'organization.role_changed',
    ]);
  });

  test('when the last owner would be demoted, removed or leave, then CONFLICT and they stay owner', async () => {
    const { owner, organizationId } = await team('admin');

    const demote = await failureOf(
      owner.client.organizations.changeRole.mutate({ organizationId, userId: owner.user.id, role: 'admin' }),
    );
    const remove = await failureOf(
      owner.client.organizations.removeMember.mutate({ organizationId, userId: owner.user.id }),
    );
    const leave = await failureOf(owner.client.organizations.leave.mutate({ organizationId }));

    expect([demote, remove, leave].map((error) => error.data?.code)).toEqual(['CONFLICT', 'CONFLICT', 'CONFLICT']);
    expect(demote.data?.details).toEqual({ reason: 'last_owner' });
    expect(await roleOf(organizationId, owner.user.id)).toBe('owner');
  });

  test('when a member is removed, then their next call is FORBIDDEN; an admin cannot remove an owner; a non-member cannot act, and users outside the organization are NOT_FOUND', async () => {
    const { owner, others, organizationId } = await team('admin', 'member');
    const [admin, member] = others as [SignedUp, SignedUp];
    const stranger = await signedUp(api.url);
    await member.client.organizations.get.query({ organizationId }); // cached as a member

    const adminRemovesOwner = await failureOf(
      admin.client.organizations.removeMember.mutate({ organizationId, userId: owner.user.id }),
    );
    const nonMember = await failureOf(
      owner.client.organizations.removeMember.mutate({ organizationId, userId: stranger.user.id }),
    );
    const crossOrganization = await failureOf(
      stranger.client.organizations.removeMember.mutate({ organizationId, userId: member.user.id }),
    );
    const intoOwnOrganization = await failureOf(
      stranger.client.organizations.removeMember.mutate({
        organizationId: stranger.organizationId,
        userId: member.user.id,
      }),
    );
    await admin.client.organizations.removeMember.mutate({ organizationId, userId: member.user.id });
    const refused = await failureOf(member.client.organizations.get.query({ organizationId }));

    expect(adminRemovesOwner.data?.code).toBe('FORBIDDEN');
    expect([nonMember, crossOrganization, intoOwnOrganization].map((error) => error.data?.code)).toEqual([
      'NOT_FOUND',
      'FORBIDDEN',
      'NOT_FOUND',
    ]);
    expect(refused.data).toMatchObject({ code: 'FORBIDDEN', details: { reason: 'NOT_A_MEMBER' } });
    expect(await auditTypes(organizationId)).toContain('organization.member_removed');
  });

  test('when a member leaves, then they are out and it is audited', async () => {
    const { others, organizationId } = await team('member');
    const [member] = others as [SignedUp];

    await member.client.organizations.leave.mutate({ organizationId });
    const refused = await failureOf(member.client.organizations.get.query({ organizationId }));

    expect(refused.data?.code).toBe('FORBIDDEN');
    expect(await auditTypes(organizationId)).toContain('organization.member_left');
  });

  test('when the owner transfers ownership, then the member becomes owner and the previous owner admin; only an owner can, and only to a member', async () => {
    const { owner, others, organizationId } = await team('admin', 'member');
    const [admin, member] = others as [SignedUp, SignedUp];
    const stranger = await signedUp(api.url);

    const byAdmin = await failureOf(
      admin.client.organizations.transferOwnership.mutate({ organizationId, userId: admin.user.id }),
    );
    const toStranger = await failureOf(
      owner.client.organizations.transferOwnership.mutate({ organizationId, userId: stranger.user.id }),
    );
    const toSelf = await failureOf(
      owner.client.organizations.transferOwnership.mutate({ organizationId, userId: owner.user.id }),
    );
    await owner.client.organizations.transferOwnership.mutate({ organizationId, userId: member.user.id });

    expect([byAdmin, toStranger, toSelf].map((error) => error.data?.code)).toEqual([
      'FORBIDDEN',
      'NOT_FOUND',
      'BAD_REQUEST',
    ]);
    expect(await roleOf(organizationId, member.user.id)).toBe('owner');
    expect(await roleOf(organizationId, owner.user.id)).toBe('admin');
    expect(await auditTypes(organizationId)).toContain('organization.ownership_transferred');
  });

  test('when two owners leave or demote each other at the same moment, then exactly one succeeds and an owner remains', async () => {
    // Several organizations at once, so an unguarded check-then-write would be caught racing.
    const rounds = await Promise.all([1, 2, 3, 4].map(() => team('owner')));

    const outcomes = await Promise.all(
      rounds.map(async ({ owner, others, organizationId }, index) => {
        const [second] = others as [SignedUp];
        const calls =
          index % 2 === 0
            ? [
                owner.client.organizations.leave.mutate({ organizationId }),
                second.client.organizations.leave.mutate({ organizationId }),
              ]
            : [
                owner.client.organizations.changeRole.mutate({ organizationId, userId: second.user.id, role: 'admin' }),
                second.client.organizations.changeRole.mutate({ organizationId, userId: owner.user.id, role: 'admin' }),
              ];
        return Promise.allSettled(calls);
      }),
    );

    for (const [index, settled] of outcomes.entries()) {
      expect(settled.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
      expect(await ownerCount(rounds[index]?.organizationId ?? '')).toBe(1);
    }
  });
});
