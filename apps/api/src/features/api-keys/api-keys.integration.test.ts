import { createHash } from 'node:crypto';

import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';

import { testConfig, uniqueKeyPrefix } from '../../../../../test/support/test-env.js';
import { useTestDatabase } from '../../../../../test/support/use-test-database.js';
import { apiClient, buildSignup, failureOf } from '../../testing/http.js';
import { startTestApi, type TestApi } from '../../testing/start-test-api.js';
import { nextInvalidation, onBusinessPlan, ownerWithOrganization } from './api-keys-test-support.js';

const database = useTestDatabase();
const GRACE_SECONDS = 3600;

describe('organization API keys', () => {
  let first: TestApi;
  let second: TestApi;
  // Both instances read the keys' clock from here: tests move it instead of waiting.
  let clockOffsetMs = 0;
  const now = () => Date.now() + clockOffsetMs;
  beforeAll(async () => {
    // Two instances of one deployment: same database, same Redis key prefix.
    const config = testConfig({
      DATABASE_URL: database.url,
      REDIS_KEY_PREFIX: uniqueKeyPrefix(),
      API_KEY_ROTATION_GRACE_SECONDS: String(GRACE_SECONDS),
    });
    [first, second] = await Promise.all([
      startTestApi(config, { clock: { now } }),
      startTestApi(config, { clock: { now } }),
    ]);
  });
  afterEach(() => {
    clockOffsetMs = 0;
  });
  afterAll(async () => {
    await Promise.all([first.close(), second.close()]);
  });

  test('when the owner last authenticated before the step-up window, then minting a key is refused until they reauthenticate', async () => {
    const signup = buildSignup();
    const { tokens } = await apiClient(first.url).auth.signup.mutate(signup);
    const owner = apiClient(first.url, { token: tokens.accessToken });
    const organizationId = (await owner.auth.me.query()).memberships[0]?.organization.id ?? '';
    const { id } = await owner.apiKeys.create.mutate({ organizationId, name: 'before', scopes: ['read'] });
    clockOffsetMs = 3_601_000; // past the longest window the configuration accepts

    const refusedCreate = await failureOf(
      owner.apiKeys.create.mutate({ organizationId, name: 'late', scopes: ['read'] }),
    );
    const refusedRotate = await failureOf(owner.apiKeys.rotate.mutate({ organizationId, apiKeyId: id }));
    await owner.auth.reauthenticate.mutate({ password: signup.password });
    const created = await owner.apiKeys.create.mutate({ organizationId, name: 'after', scopes: ['read'] });

    for (const refused of [refusedCreate, refusedRotate]) {
      expect(refused.data).toMatchObject({ code: 'FORBIDDEN', details: { reason: 'STEP_UP_REQUIRED' } });
    }
    expect(created.key).toMatch(/^gw_test_/);
  });

  test('when an owner creates a key, then it works as a bearer, the list never shows its secret, and creation is audited', async () => {
    // Arrange
    const { owner, organizationId, userId } = await ownerWithOrganization(first);
    await onBusinessPlan(first, organizationId);

    // Act
    const created = await owner.apiKeys.create.mutate({ organizationId, name: 'CI deploys', scopes: ['read'] });
    const byKey = apiClient(first.url, { token: created.key });
    const limits = await byKey.analytics.limits.query({ organizationId });
    const members = await byKey.organizations.members.query({ organizationId });
    await first.services.apiKeys.flushLastUsed();
    const listed = await owner.apiKeys.list.query({ organizationId });

    // Assert
    expect(created.key).toMatch(/^gw_test_[0-9A-Za-z]{49}$/);
    expect(limits.plan).toBe('business');
    expect(members.map((member) => member.userId)).toEqual([userId]);
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({
      id: created.id,
      name: 'CI deploys',
      prefix: 'gw_test_',
      lastFour: created.key.slice(-4),
      scopes: ['read'],
      createdByUserId: userId,
      expiresAt: null,
    });
    expect(listed[0]?.lastUsedAt).not.toBeNull();
    expect(JSON.stringify(listed)).not.toContain(created.key.slice(8, 40));
    const audit = await first.db('audit_events').where({ organizationId, type: 'api_key.created' });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorUserId: userId });
    expect(JSON.stringify(audit)).not.toContain(created.key);
    const stored = (await first.db('api_keys').where({ id: created.id }).first()) as { keyHash: Buffer };
    expect(stored.keyHash).toEqual(createHash('sha256').update(created.key).digest());
    expect(JSON.stringify(stored)).not.toContain(created.key.slice(8));
  });

  test('when a key is used, then its call passes the same plan gate as a member (no plan: PAYMENT_REQUIRED)', async () => {
    const { owner, organizationId } = await ownerWithOrganization(first);
    const { key } = await owner.apiKeys.create.mutate({ organizationId, name: 'gated', scopes: ['read'] });

    const refused = await failureOf(apiClient(first.url, { token: key }).analytics.limits.query({ organizationId }));

    expect(refused.data?.code).toBe('PAYMENT_REQUIRED');
  });

  test('when a key is used on the REST view, then its documented operation answers for its organization', async () => {
    const { owner, organizationId, userId } = await ownerWithOrganization(first);
    const { key } = await owner.apiKeys.create.mutate({ organizationId, name: 'rest', scopes: ['read'] });

    const response = await fetch(`${first.url}/api/organizations/${organizationId}/members`, {
      headers: { authorization: `Bearer ${key}` },
    });

    expect(response.status).toBe(200);
    expect(((await response.json()) as { userId: string }[]).map((member) => member.userId)).toEqual([userId]);
  });

  test('when a revoked key is revoked again, then NOT_FOUND and one revocation is audited', async () => {
    const { owner, organizationId } = await ownerWithOrganization(first);
    const { id } = await owner.apiKeys.create.mutate({ organizationId, name: 'twice', scopes: ['read'] });
    await owner.apiKeys.revoke.mutate({ organizationId, apiKeyId: id });

    const again = await failureOf(owner.apiKeys.revoke.mutate({ organizationId, apiKeyId: id }));
    const rotated = await failureOf(owner.apiKeys.rotate.mutate({ organizationId, apiKeyId: id }));

    expect(again.data?.code).toBe('NOT_FOUND');
    expect(rotated.data?.code).toBe('NOT_FOUND');
    expect(await first.db('audit_events').where({ organizationId, type: 'api_key.revoked' })).toHaveLength(1);
  });

  test('when a key is revoked on one instance, then the second instance refuses it on the very next call', async () => {
    // Arrange: the key is cached on the second instance.
    const { owner, organizationId } = await ownerWithOrganization(first);
    const { id, key } = await owner.apiKeys.create.mutate({ organizationId, name: 'to revoke', scopes: ['read'] });
    const onSecond = apiClient(second.url, { token: key });
    await onSecond.organizations.members.query({ organizationId });
    const heard = nextInvalidation(second);

    // Act
    await owner.apiKeys.revoke.mutate({ organizationId, apiKeyId: id });
    await heard;
    const refused = await failureOf(onSecond.organizations.members.query({ organizationId }));

    // Assert
    expect(refused.data?.code).toBe('UNAUTHORIZED');
    expect(await owner.apiKeys.list.query({ organizationId })).toEqual([]);
    expect(await first.db('audit_events').where({ organizationId, type: 'api_key.revoked' })).toHaveLength(1);
  });

  test('when a key passes its expiry, then it is refused, even from the cache', async () => {
    const { owner, organizationId } = await ownerWithOrganization(first);
    const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
    const { key } = await owner.apiKeys.create.mutate({ organizationId, name: 'short', scopes: ['read'], expiresAt });
    const byKey = apiClient(first.url, { token: key });
    await byKey.organizations.members.query({ organizationId });

    clockOffsetMs = 2 * 3_600_000;
    const refused = await failureOf(byKey.organizations.members.query({ organizationId }));

    expect(refused.data?.code).toBe('UNAUTHORIZED');
  });

  test('when a key is rotated, then both keys work during the grace period and only the new one after it', async () => {
    // Arrange
    const { owner, organizationId } = await ownerWithOrganization(first);
    const old = await owner.apiKeys.create.mutate({ organizationId, name: 'rotating', scopes: ['read', 'write'] });
    const withOld = apiClient(second.url, { token: old.key });
    await withOld.organizations.members.query({ organizationId });
    const heard = nextInvalidation(second);

    // Act
    const rotated = await owner.apiKeys.rotate.mutate({ organizationId, apiKeyId: old.id });
    await heard;
    const withNew = apiClient(second.url, { token: rotated.key });
    const oldDuringGrace = await withOld.organizations.members.query({ organizationId });
    const newDuringGrace = await withNew.organizations.members.query({ organizationId });
    clockOffsetMs = (GRACE_SECONDS + 1) * 1000;
    const oldAfterGrace = await failureOf(withOld.organizations.members.query({ organizationId }));
    const newAfterGrace = await withNew.organizations.members.query({ organizationId });

    // Assert
    expect(rotated.key).not.toBe(old.key);
    expect(new Date(rotated.oldKeyExpiresAt).getTime()).toBeGreaterThan(Date.now() + (GRACE_SECONDS - 60) * 1000);
    expect(oldDuringGrace).toHaveLength(1);
    expect(newDuringGrace).toHaveLength(1);
    expect(oldAfterGrace.data?.code).toBe('UNAUTHORIZED');
    expect(newAfterGrace).toHaveLength(1);
    const listed = await owner.apiKeys.list.query({ organizationId });
    expect(listed.find((key) => key.id === old.id)?.replacedById).toBe(rotated.id);
    expect(listed.find((key) => key.id === rotated.id)?.scopes).toEqual(['read', 'write']);
    expect(await first.db('audit_events').where({ organizationId, type: 'api_key.rotated' })).toHaveLength(1);
  });

  test('when a member who is not an admin asks for a key, then FORBIDDEN and no key exists', async () => {
    const { owner, organizationId } = await ownerWithOrganization(first);
    const member = await apiClient(first.url).auth.signup.mutate(buildSignup());
    await first.db('memberships').insert({ organizationId, userId: member.user.id, role: 'member' });
    const asMember = apiClient(first.url, { token: member.tokens.accessToken });

    const refused = await failureOf(asMember.apiKeys.create.mutate({ organizationId, name: 'x', scopes: ['read'] }));

    expect(refused.data?.code).toBe('FORBIDDEN');
    expect(await owner.apiKeys.list.query({ organizationId })).toEqual([]);
  });

  test('when the input is bad (expiry in the past, empty name, unknown scope), then BAD_REQUEST and nothing is stored', async () => {
    const { owner, organizationId } = await ownerWithOrganization(first);
    const past = new Date(Date.now() - 1000).toISOString();

    const failures = await Promise.all([
      failureOf(owner.apiKeys.create.mutate({ organizationId, name: 'old', scopes: ['read'], expiresAt: past })),
      failureOf(owner.apiKeys.create.mutate({ organizationId, name: '  ', scopes: ['read'] })),
      failureOf(owner.apiKeys.create.mutate({ organizationId, name: 'x', scopes: ['admin' as 'read'] })),
      failureOf(owner.apiKeys.create.mutate({ organizationId, name: 'x', scopes: [] })),
    ]);

    expect(failures.map((failure) => failure.data?.code)).toEqual(Array(4).fill('BAD_REQUEST'));
    expect(await owner.apiKeys.list.query({ organizationId })).toEqual([]);
    expect(await first.db('audit_events').where({ organizationId, type: 'api_key.created' })).toEqual([]);
  });

  test("when an admin revokes or rotates another organization's key, then NOT_FOUND and the key keeps working", async () => {
    const a = await ownerWithOrganization(first);
    const b = await ownerWithOrganization(first);
    const { id, key } = await a.owner.apiKeys.create.mutate({
      organizationId: a.organizationId,
      name: 'A',
      scopes: ['read'],
    });

    const revoke = await failureOf(b.owner.apiKeys.revoke.mutate({ organizationId: b.organizationId, apiKeyId: id }));
    const rotate = await failureOf(b.owner.apiKeys.rotate.mutate({ organizationId: b.organizationId, apiKeyId: id }));

    expect(revoke.data?.code).toBe('NOT_FOUND');
    expect(rotate.data?.code).toBe('NOT_FOUND');
    const members = await apiClient(first.url, { token: key }).organizations.members.query({
      organizationId: a.organizationId,
    });
    expect(members).toHaveLength(1);
  });
});
