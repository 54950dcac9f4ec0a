import { randomUUID } from 'node:crypto';

import { createLogger } from '@groundwork/core';
import { createUnitOfWork, type Knex } from '@groundwork/db';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { connectTestDatabase } from '../../../../test/support/postgres-admin.js';
import { startPrivateRedis } from '../../../../test/support/private-redis.js';
import { connectTestRedis } from '../../../../test/support/redis-keys.js';
import { redisReady } from '../../../../test/support/redis-ready.js';
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
  test('when Redis refuses a marker on a connection that stays up, then the marker is written once Redis takes writes again, without a reconnect', async () => {
    // Arrange: a Redis that refuses writes (NOREPLICAS) but answers, as a demoted master answers READONLY.
    const privateRedis = await startPrivateRedis(['--min-replicas-to-write', '1']);
    const client = await redisReady(new Redis(privateRedis.url, { maxRetriesPerRequest: 1 }));
    const admin = await redisReady(new Redis(privateRedis.url));
    try {
      const keyPrefix = uniqueKeyPrefix();
      const subject = createSessionRevocations({
        redis: client,
        keyPrefix,
        accessTokenTtlSeconds: ACCESS_TOKEN_TTL_SECONDS,
        refreshTokens: createUnitOfWork(db).repositories.refreshTokens,
        logger: createLogger({ service: 'revocation-test', level: 'silent' }),
      });
      const sessionId = unknownSession();
      let reconnected = false;
      client.on('ready', () => (reconnected = true));
      await subject.markRevoked([sessionId]);
      expect(await admin.exists(`${keyPrefix}:{auth}:revoked-sid:${sessionId}`)).toBe(0);

      // Act: writes are taken again; nothing reconnects.
      await admin.config('SET', 'min-replicas-to-write', '0');

      // Assert: other instances, which read only Redis, now see the session revoked.
      await expect.poll(() => admin.exists(`${keyPrefix}:{auth}:revoked-sid:${sessionId}`), { timeout: 5_000 }).toBe(1);
      expect(reconnected).toBe(false);
    } finally {
      client.disconnect();
      admin.disconnect();
      await privateRedis.stop();
    }
  });
});
