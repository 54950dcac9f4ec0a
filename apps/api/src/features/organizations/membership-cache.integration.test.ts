import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { testConfig, uniqueKeyPrefix } from '../../../../../test/support/test-env.js';
import { useTestDatabase } from '../../../../../test/support/use-test-database.js';
import { apiClient, buildSignup, failureOf } from '../../testing/http.js';
import { startTestApi, type TestApi } from '../../testing/start-test-api.js';

const database = useTestDatabase();

describe('membership cache across instances', () => {
  let first: TestApi;
  let second: TestApi;
  beforeAll(async () => {
    // Two instances of one deployment: same database, same Redis key prefix.
    const config = testConfig({ DATABASE_URL: database.url, REDIS_KEY_PREFIX: uniqueKeyPrefix() });
    [first, second] = await Promise.all([startTestApi(config), startTestApi(config)]);
  });
  afterAll(async () => {
    await Promise.all([first.close(), second.close()]);
  });

  async function organizationWithMember() {
    const owner = await apiClient(first.url).auth.signup.mutate(buildSignup());
    const ownerClient = apiClient(first.url, { token: owner.tokens.accessToken });
    const organizationId = (await ownerClient.auth.me.query()).memberships[0]?.organization.id ?? '';
    const member = await apiClient(first.url).auth.signup.mutate(buildSignup());
    await first.db('memberships').insert({ organizationId, userId: member.user.id, role: 'admin' });
    return { organizationId, memberId: member.user.id, token: member.tokens.accessToken, ownerClient };
  }

  test('when an owner removes a member through one instance, then another instance refuses them on the very next call', async () => {
    const { organizationId, memberId, token, ownerClient } = await organizationWithMember();
    const onSecond = apiClient(second.url, { token });
    await onSecond.organizations.get.query({ organizationId }); // now cached on the second instance
    const heard = new Promise<string>((resolve) => {
      const stop = second.services.memberships.onInvalidated((key) => {
        stop();
        resolve(key);
      });
    });

    await ownerClient.organizations.removeMember.mutate({ organizationId, userId: memberId });
    await heard;
    const refused = await failureOf(onSecond.organizations.get.query({ organizationId }));

    expect(refused.data).toMatchObject({ code: 'FORBIDDEN', details: { reason: 'NOT_A_MEMBER' } });
  });

  test('when a role is lowered on one instance, then another instance applies it on the next call', async () => {
    const { organizationId, memberId, token, ownerClient } = await organizationWithMember();
    const onSecond = apiClient(second.url, { token });
    await onSecond.organizations.rename.mutate({ organizationId, name: 'Renamed by an admin' });
    const heard = new Promise<unknown>((resolve) => {
      const stop = second.services.memberships.onInvalidated((key) => {
        stop();
        resolve(key);
      });
    });

    await ownerClient.organizations.changeRole.mutate({ organizationId, userId: memberId, role: 'member' });
    await heard;
    const refused = await failureOf(onSecond.organizations.rename.mutate({ organizationId, name: 'Not any more' }));

    expect(refused.data?.code).toBe('FORBIDDEN');
  });
});
