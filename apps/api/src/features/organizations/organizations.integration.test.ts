import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { testConfig } from '../../../../../test/support/test-env.js';
import { useTestDatabase } from '../../../../../test/support/use-test-database.js';
import { apiClient, buildSignup, failureOf } from '../../testing/http.js';
import { startTestApi, type TestApi } from '../../testing/start-test-api.js';

const database = useTestDatabase();

describe('organizations', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi(testConfig({ DATABASE_URL: database.url }));
  });
  afterAll(async () => {
    await api.close();
  });

  async function member() {
    const { user, tokens } = await apiClient(api.url).auth.signup.mutate(buildSignup());
    const client = apiClient(api.url, { token: tokens.accessToken });
    const organizationId = (await client.auth.me.query()).memberships[0]?.organization.id ?? '';
    return { user, client, organizationId };
  }

  test('when an owner reads and renames their organization, then it works and the member list shows them as owner', async () => {
    const owner = await member();

    await owner.client.organizations.rename.mutate({ organizationId: owner.organizationId, name: '  Acme  ' });

    expect(await owner.client.organizations.get.query({ organizationId: owner.organizationId })).toMatchObject({
      name: 'Acme',
    });
    expect(await owner.client.organizations.members.query({ organizationId: owner.organizationId })).toEqual([
      expect.objectContaining({ userId: owner.user.id, role: 'owner' }),
    ]);
  });

  test("when a user reaches for another organization's data, then FORBIDDEN, the same as for one that does not exist, and nothing changes", async () => {
    const victim = await member();
    const intruder = await member();

    const read = await failureOf(intruder.client.organizations.get.query({ organizationId: victim.organizationId }));
    const rename = await failureOf(
      intruder.client.organizations.rename.mutate({ organizationId: victim.organizationId, name: 'pwned' }),
    );
    const missing = await failureOf(
      intruder.client.organizations.get.query({ organizationId: '00000000-0000-4000-8000-000000000000' }),
    );

    expect([read.data?.code, rename.data?.code, missing.data?.code]).toEqual(['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN']);
    expect(read.message).toBe(missing.message);
    expect(await victim.client.organizations.get.query({ organizationId: victim.organizationId })).toMatchObject({
      name: "Test User's workspace",
    });
  });

  test('when a plain member tries an admin action, then FORBIDDEN names the role needed; a role change or removal applies from the next call', async () => {
    const owner = await member();
    const colleague = await member();
    await api
      .db('memberships')
      .insert({ organizationId: owner.organizationId, userId: colleague.user.id, role: 'member' });

    const denied = await failureOf(
      colleague.client.organizations.rename.mutate({ organizationId: owner.organizationId, name: 'x' }),
    );
    await owner.client.organizations.changeRole.mutate({
      organizationId: owner.organizationId,
      userId: colleague.user.id,
      role: 'admin',
    });
    await colleague.client.organizations.rename.mutate({
      organizationId: owner.organizationId,
      name: 'Renamed by admin',
    });
    await owner.client.organizations.removeMember.mutate({
      organizationId: owner.organizationId,
      userId: colleague.user.id,
    });
    const removed = await failureOf(colleague.client.organizations.get.query({ organizationId: owner.organizationId }));

    expect(denied.data?.code).toBe('FORBIDDEN');
    expect(denied.data?.details).toEqual({ requiredRole: 'admin', role: 'member' });
    expect((await owner.client.organizations.get.query({ organizationId: owner.organizationId })).name).toBe(
      'Renamed by admin',
    );
    expect(removed.data?.code).toBe('FORBIDDEN');
  });

  test('when the organization id is not a uuid or extra keys are sent, then BAD_REQUEST', async () => {
    const owner = await member();

    const badId = await failureOf(owner.client.organizations.get.query({ organizationId: 'abc' }));
    const extra = await failureOf(
      owner.client.organizations.rename.mutate({
        organizationId: owner.organizationId,
        name: 'x',
        personal: false,
      } as never),
    );

    expect([badId.data?.code, extra.data?.code]).toEqual(['BAD_REQUEST', 'BAD_REQUEST']);
  });
});
