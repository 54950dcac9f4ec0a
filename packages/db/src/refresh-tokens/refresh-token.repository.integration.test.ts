import { createHash, randomBytes, randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { blockedOnALock } from '../../../../test/support/pg-locks.js';
import { useTestDatabase } from '../../../../test/support/use-test-database.js';
import type { Knex } from '../create-db.js';
import { createUserRepository } from '../users/user.repository.js';
import { createRefreshTokenRepository } from './refresh-token.repository.js';
import { connectTestDatabase } from '../../../../test/support/postgres-admin.js';

const database = useTestDatabase();
const hash = (token: string) => createHash('sha256').update(token).digest();
const context = { userAgent: 'test', ip: '192.0.2.1' };

describe('refresh tokens under concurrency', () => {
  let db: Knex;
  beforeAll(() => {
    db = connectTestDatabase(database.url, { poolMax: 4, statementTimeoutMs: 10_000 });
  });
  afterAll(async () => {
    await db.destroy();
  });

  async function familyWithHead() {
    const { user } = await createUserRepository(db).insertWithPersonalOrganization({
      email: `${randomUUID()}@example.test`,
      passwordHash: 'x',
      displayName: 'T',
      organizationName: 'T',
    });
    const familyId = randomUUID();
    const head = randomBytes(32).toString('hex');
    await createRefreshTokenRepository(db).insertFamilyHead({
      tokenHash: hash(head),
      familyId,
      userId: user.id,
      familyExpiresAt: new Date(Date.now() + 3_600_000),
      context,
    });
    return { familyId, head };
  }

  test('when a revocation runs while a rotation of the same family is uncommitted, then the successor ends up revoked too', async () => {
    const { familyId, head } = await familyWithHead();
    const successor = randomBytes(32).toString('hex');
    const trx = await db.transaction();

    const rotated = await createRefreshTokenRepository(trx).rotate({
      tokenHash: hash(head),
      successorHash: hash(successor),
      context,
    });
    const revoking = createRefreshTokenRepository(db).revokeFamily(familyId);
    await blockedOnALock(db, 'update "refresh_tokens" set "revoked_at"'); // it now waits on the row the rotation locked
    await trx.commit();
    await revoking;

    expect(rotated?.familyId).toBe(familyId);
    const rows: { revokedAt: Date | null }[] = await db('refreshTokens').where({ familyId }).select('revokedAt');
    expect(rows).toHaveLength(2);
    expect(rows.every((row) => row.revokedAt !== null)).toBe(true);
    expect(
      await createRefreshTokenRepository(db).rotate({ tokenHash: hash(successor), successorHash: hash('x'), context }),
    ).toBeNull();
  });

  test('when any token of a family is revoked, then no other token of it can rotate', async () => {
    const { familyId, head } = await familyWithHead();
    const successor = randomBytes(32).toString('hex');
    const repository = createRefreshTokenRepository(db);
    await repository.rotate({ tokenHash: hash(head), successorHash: hash(successor), context });
    await db('refreshTokens')
      .where({ tokenHash: hash(head) })
      .update({ revokedAt: db.fn.now() });

    expect(await repository.rotate({ tokenHash: hash(successor), successorHash: hash('y'), context })).toBeNull();
    expect(await repository.isFamilyRevoked(familyId)).toBe(true);
  });

  test('when a rehash races a password change, then the changed password is kept', async () => {
    const users = createUserRepository(db);
    const { user } = await users.insertWithPersonalOrganization({
      email: `${randomUUID()}@example.test`,
      passwordHash: 'old-hash',
      displayName: 'T',
      organizationName: 'T',
    });
    await users.changePassword(user.id, 'new-hash');

    await users.upgradePasswordHash(user.id, 'old-hash', 'rehash-of-old-password');

    expect((await users.findCredentialsById(user.id))?.passwordHash).toBe('new-hash');
  });
});
