import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';

import { testConfig } from '../../../test/support/test-env.js';
import { useTestDatabase } from '../../../test/support/use-test-database.js';
import { startTestApi, type TestApi } from './testing/start-test-api.js';

const database = useTestDatabase();

/** How many socket writes `commands` made when all were issued in one turn of the event loop. */
async function writesFor(client: Redis, commands: number): Promise<number> {
  const write = vi.spyOn(client.stream, 'write');
  await Promise.all(Array.from({ length: commands }, (_, index) => client.exists(`groundwork-test:absent:${index}`)));
  return write.mock.calls.length;
}

describe("the API's Redis connections (ADR 047)", () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi(testConfig({ DATABASE_URL: database.url }));
  });
  afterAll(async () => {
    await api.close();
  });

  test('when requests issue commands in the same turn of the event loop, then the request-path connection sends them in one write', async () => {
    expect(await writesFor(api.redis as Redis, 20)).toBe(1);
  });

  test("when BullMQ's producers issue commands, then their connection sends each on its own, as BullMQ expects", async () => {
    expect(await writesFor(api.queueRedis as Redis, 5)).toBe(5);
  });
});
