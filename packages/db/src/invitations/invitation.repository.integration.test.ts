import { createHash, randomBytes } from 'node:crypto';

import { AppError } from '@groundwork/core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { connectTestDatabase } from '../../../../test/support/postgres-admin.js';
import { useTestDatabase } from '../../../../test/support/use-test-database.js';
import type { Knex } from '../create-db.js';
import { createInvitationRepository } from './invitation.repository.js';

const database = useTestDatabase();
const newHash = () => createHash('sha256').update(randomBytes(32)).digest();
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000);

describe('invitations storage', () => {
  let db: Knex;
  beforeAll(() => {
    db = connectTestDatabase(database.url, { statementTimeoutMs: 10_000 });
  });
  afterAll(async () => {
    await db.destroy();
  });

  async function organizationWithOwner(): Promise<{ organizationId: string; ownerId: string }> {
    const owners: { id: string }[] = await db('users')
      .insert({ email: `owner-${randomBytes(4).toString('hex')}@example.test`, passwordHash: 'x', displayName: 'O' })
      .returning('id');
    const organizations: { id: string }[] = await db('organizations').insert({ name: 'Team' }).returning('id');
    const [owner] = owners;
    const [organization] = organizations;
    if (!owner || !organization) throw new Error('fixture not inserted');
    return { organizationId: organization.id, ownerId: owner.id };
  }

  const invitations = () => createInvitationRepository(db);
  const invite = async (fixture: { organizationId: string; ownerId: string }, email: string, expiresAt = inDays(7)) => {
    const tokenHash = newHash();
    const { id } = await invitations().insert({
      organizationId: fixture.organizationId,
      email,
      role: 'member',
      tokenHash,
      invitedByUserId: fixture.ownerId,
      expiresAt,
    });
    return { id, tokenHash };
  };

  test('when an address already has an open invitation, then a second one is a CONFLICT, whatever its case', async () => {
    const fixture = await organizationWithOwner();
    await invite(fixture, 'dup@example.test');

    const second = invite(fixture, 'DUP@example.test');

    await expect(second).rejects.toBeInstanceOf(AppError);
    await expect(second).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  test('when two acceptances race, then exactly one wins; a revoked or expired invitation cannot be accepted', async () => {
    const fixture = await organizationWithOwner();
    const open = await invite(fixture, 'race@example.test');
    const revoked = await invite(fixture, 'revoked@example.test');
    const expired = await invite(fixture, 'expired@example.test', inDays(-1));
    await invitations().revoke(fixture.organizationId, revoked.id);

    const results = await Promise.all([
      invitations().accept(open.tokenHash, fixture.ownerId),
      invitations().accept(open.tokenHash, fixture.ownerId),
    ]);

    expect(results.filter(Boolean)).toHaveLength(1);
    await expect(invitations().accept(revoked.tokenHash, fixture.ownerId)).resolves.toBeUndefined();
    await expect(invitations().accept(expired.tokenHash, fixture.ownerId)).resolves.toBeUndefined();
  });

  test('when an invitation is renewed, then the old link stops working and the new one works', async () => {
    const fixture = await organizationWithOwner();
    const { id, tokenHash } = await invite(fixture, 'renew@example.test', inDays(-1));
    const renewed = newHash();

    await expect(
      invitations().renew(fixture.organizationId, id, { tokenHash: renewed, expiresAt: inDays(7) }),
    ).resolves.toEqual({ email: 'renew@example.test', role: 'member' });

    await expect(invitations().findPendingByToken(tokenHash)).resolves.toBeUndefined();
    await expect(invitations().findPendingByToken(renewed)).resolves.toMatchObject({ id });
  });

  test('when counting the seats invitations hold, then only open, unexpired ones count; another organization cannot touch them', async () => {
    const fixture = await organizationWithOwner();
    const other = await organizationWithOwner();
    await invite(fixture, 'a@example.test');
    const revoked = await invite(fixture, 'b@example.test');
    await invite(fixture, 'c@example.test', inDays(-1));
    await expect(invitations().revoke(other.organizationId, revoked.id)).resolves.toBe(false);
    await invitations().revoke(fixture.organizationId, revoked.id);

    await expect(invitations().countPending(fixture.organizationId)).resolves.toBe(1);
    expect((await invitations().listOpen(fixture.organizationId)).map((row) => row.email).sort()).toEqual([
      'a@example.test',
      'c@example.test',
    ]);
  });
});
