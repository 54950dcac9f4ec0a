import { createHash, randomBytes } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { connectTestDatabase } from '../../../../test/support/postgres-admin.js';
import { useTestDatabase } from '../../../../test/support/use-test-database.js';
import type { Knex } from '../create-db.js';
import { createUnitOfWork } from '../unit-of-work.js';

const database = useTestDatabase();
const newHash = () => createHash('sha256').update(randomBytes(32)).digest();
const inMinutes = (minutes: number) => new Date(Date.now() + minutes * 60_000);

describe('one-time account links', () => {
  let db: Knex;
  beforeAll(() => {
    db = connectTestDatabase(database.url, { statementTimeoutMs: 10_000 });
  });
  afterAll(async () => {
    await db.destroy();
  });

  async function user(): Promise<{ id: string; email: string }> {
    const email = `tokens-${randomBytes(4).toString('hex')}@example.test`;
    const rows: { id: string; email: string }[] = await db('users')
      .insert({ email, passwordHash: 'x', displayName: 'Tokens' })
      .returning(['id', 'email']);
    const [row] = rows;
    if (!row) throw new Error('no user inserted');
    return row;
  }

  const repositories = () => createUnitOfWork(db).repositories;

  test('when many requests race on one link, then exactly one consumes it', async () => {
    const owner = await user();
    const tokenHash = newHash();
    await repositories().accountTokens.replace({
      userId: owner.id,
      purpose: 'password_reset',
      tokenHash,
      email: owner.email,
      expiresAt: inMinutes(30),
    });

    const results = await Promise.all(
      Array.from({ length: 8 }, () => repositories().accountTokens.consume('password_reset', tokenHash)),
    );

    expect(results.filter(Boolean)).toEqual([{ userId: owner.id, email: owner.email }]);
  });

  test('when a newer link is issued, then the older one no longer works', async () => {
    const owner = await user();
    const older = newHash();
    const newer = newHash();
    const issue = (tokenHash: Buffer) =>
      createUnitOfWork(db).transaction((repos) =>
        repos.accountTokens.replace({
          userId: owner.id,
          purpose: 'email_verification',
          tokenHash,
          email: owner.email,
          expiresAt: inMinutes(60),
        }),
      );
    await issue(older);
    await issue(newer);

    await expect(repositories().accountTokens.consume('email_verification', older)).resolves.toBeUndefined();
    await expect(repositories().accountTokens.consume('email_verification', newer)).resolves.toMatchObject({
      userId: owner.id,
    });
  });

  test('when a link has expired, is used for another purpose, or was voided, then it is refused', async () => {
    const owner = await user();
    const expired = newHash();
    const reset = newHash();
    const link = { userId: owner.id, email: owner.email };
    await db('accountTokens').insert({
      ...link,
      purpose: 'password_reset',
      tokenHash: expired,
      expiresAt: inMinutes(-1),
    });
    await repositories().accountTokens.replace({
      ...link,
      purpose: 'password_reset',
      tokenHash: reset,
      expiresAt: inMinutes(30),
    });

    await expect(repositories().accountTokens.consume('password_reset', expired)).resolves.toBeUndefined();
    await expect(repositories().accountTokens.consume('email_verification', reset)).resolves.toBeUndefined();
    await expect(repositories().accountTokens.voidAllForUser(owner.id, 'password_reset')).resolves.toBe(1);
    await expect(repositories().accountTokens.consume('password_reset', reset)).resolves.toBeUndefined();
  });
});
