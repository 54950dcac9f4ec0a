import { randomUUID } from 'node:crypto';

import { createLogger } from '@groundwork/core';
import { createUnitOfWork, type Knex } from '@groundwork/db';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { connectTestDatabase } from '../../../../test/support/postgres-admin.js';
import { connectTestRedis } from '../../../../test/support/redis-keys.js';
import { uniqueKeyPrefix } from '../../../../test/support/test-env.js';
import { useTestDatabase } from '../../../../test/support/use-test-database.js';
import { createSessionRevocations } from './session-revocations.js';

const database = useTestDatabase();
const ACCESS_TOKEN_TTL_SECONDS = 900;

/**
 * A session id the database has never seen: asked, it answers "revoked" (no live family), so a
 * verdict of "not revoked" shows the database was not asked.
 */
const unknownSession = () => randomUUID();

describe('session revocation when Redis may have lost its markers (ADR 012)', () => {
  let db: Knex;
  let redis: Awaited<ReturnType<typeof connectTestRedis>>;
  beforeAll(async () => {
    db = connectTestDatabase(database.url, { poolMax: 2, statementTimeoutMs: 10_000 });
    redis = await connectTestRedis();
  });
  afterAll(async () => {
    redis?.disconnect();
    await db?.destroy();
  });

  function revocations(keyPrefix = uniqueKeyPrefix()) {
    return createSessionRevocations({
      redis,
      keyPrefix,
      accessTokenTtlSeconds: ACCESS_TOKEN_TTL_SECONDS,
      refreshTokens: createUnitOfWork(db).repositories.refreshTokens,
      logger: createLogger({ service: 'revocation-test', level: 'silent' }),
    });
  }

  /** What the request's round trip reads when Redis has held its markers since `keptSince` and has none for the session. */
  const noMarkerSince = (keptSince: number) => ({ markerExists: false, since: String(keptSince) });
  const TOKEN_LIFETIME_MS = (ACCESS_TOKEN_TTL_SECONDS + 60) * 1000;

  test('when Redis has kept its markers for longer than a token lives, then a missing marker means not revoked, without the database', async () => {
    const revoked = await revocations().isRevokedGiven(
      unknownSession(),
      noMarkerSince(Date.now() - TOKEN_LIFETIME_MS - 1_000),
    );

    expect(revoked).toBe(false);
  });

  test('when Redis has kept its markers for less than a token lives, then a missing marker asks the database, however new the token (ADR 052 was rejected)', async () => {
    const revoked = await revocations().isRevokedGiven(unknownSession(), noMarkerSince(Date.now() - 60_000));

    expect(revoked).toBe(true);
  });

  test('when Redis holds the marker, then the session is revoked', async () => {
    const keyPrefix = uniqueKeyPrefix();
    const subject = revocations(keyPrefix);
    const sessionId = unknownSession();
    await redis.set(`${keyPrefix}:{auth}:revocations-since`, String(Date.now() - TOKEN_LIFETIME_MS - 1_000));
    await subject.markRevoked([sessionId]);

    expect(await subject.isRevoked(sessionId)).toBe(true);
  });

  test('when Redis has no "since" key (it lost its data just now), then the database answers, and the key is written', async () => {
    const keyPrefix = uniqueKeyPrefix();

    const revoked = await revocations(keyPrefix).isRevoked(unknownSession());

    expect(revoked).toBe(true);
    await expect.poll(() => redis.get(`${keyPrefix}:{auth}:revocations-since`)).not.toBeNull();
  });
});
