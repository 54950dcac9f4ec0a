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
const seconds = (ms: number) => Math.floor(ms / 1000);

/**
 * A session id the database has never seen: asked, it answers "revoked" (no live family), so a
 * verdict of "not revoked" shows the database was not asked.
 */
const unknownSession = () => randomUUID();

describe('session revocation after Redis lost its markers (ADRs 012, 052)', () => {
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

  test('when Redis has kept its markers for less than a token lifetime and the token was issued after they started, then a missing marker means not revoked, without the database', async () => {
    const keptSince = Date.now() - 60_000;

    const revoked = await revocations().isRevokedGiven(
      { sessionId: unknownSession(), issuedAtSeconds: seconds(Date.now()) },
      noMarkerSince(keptSince),
    );

    expect(revoked).toBe(false);
  });

  test('when the token was issued before the markers started, or within the clock margin after, then the database answers', async () => {
    const keptSince = Date.now() - 60_000;
    const subject = revocations();

    const before = await subject.isRevokedGiven(
      { sessionId: unknownSession(), issuedAtSeconds: seconds(keptSince - 1_000) },
      noMarkerSince(keptSince),
    );
    const withinMargin = await subject.isRevokedGiven(
      { sessionId: unknownSession(), issuedAtSeconds: seconds(keptSince + 2_000) },
      noMarkerSince(keptSince),
    );

    expect([before, withinMargin]).toEqual([true, true]);
  });

  test('when Redis holds the marker, then the session is revoked whenever its token was issued', async () => {
    const keyPrefix = uniqueKeyPrefix();
    const subject = revocations(keyPrefix);
    const sessionId = unknownSession();
    await redis.set(`${keyPrefix}:{auth}:revocations-since`, String(Date.now() - 60_000));
    await subject.markRevoked([sessionId]);

    const revoked = await subject.isRevoked({ sessionId, issuedAtSeconds: seconds(Date.now()) });

    expect(revoked).toBe(true);
  });

  test('when Redis has no "since" key (it lost its data just now), then the database answers even for a new token, and the key is written', async () => {
    const keyPrefix = uniqueKeyPrefix();

    const revoked = await revocations(keyPrefix).isRevoked({
      sessionId: unknownSession(),
      issuedAtSeconds: seconds(Date.now()),
    });

    expect(revoked).toBe(true);
    await expect.poll(() => redis.get(`${keyPrefix}:{auth}:revocations-since`)).not.toBeNull();
  });
});
