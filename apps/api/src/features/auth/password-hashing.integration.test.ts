import { readdirSync, readFileSync } from 'node:fs';

import { afterAll, describe, expect, test, vi } from 'vitest';

import { testConfig } from '../../../../../test/support/test-env.js';
import { useTestDatabase } from '../../../../../test/support/use-test-database.js';
import { apiClient, buildSignup } from '../../testing/http.js';
import { startTestApi, type TestApi } from '../../testing/start-test-api.js';

const database = useTestDatabase();
const started: TestApi[] = [];
afterAll(async () => {
  await Promise.all(started.map((api) => api.close()));
});

/** This process's threads running at `nice` (field 19 of /proc/self/task/<tid>/stat). */
function threadsAtNice(nice: number): number {
  return readdirSync('/proc/self/task').filter((tid) => {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]) === nice;
    } catch {
      return false; // the thread ended between the listing and the read
    }
  }).length;
}

describe('password hashing threads in the API', () => {
  // A nice value no other test uses, so the count below is this API's threads only.
  const NICE = 18;

  test.runIf(process.platform === 'linux')(
    'when the API signs up and logs in, then bcrypt runs on low-priority threads, and shutdown stops them',
    async () => {
      const before = threadsAtNice(NICE);
      const api = await startTestApi(
        testConfig({ DATABASE_URL: database.url, PASSWORD_HASH_NICE: String(NICE), PASSWORD_HASH_CONCURRENCY: '2' }),
      );
      started.push(api);
      const user = buildSignup();

      await apiClient(api.url).auth.signup.mutate(user);
      const login = await apiClient(api.url).auth.login.mutate({ email: user.email, password: user.password });

      expect(login).toHaveProperty('accessToken');
      expect(threadsAtNice(NICE) - before).toBeGreaterThanOrEqual(1);
      expect(threadsAtNice(NICE) - before).toBeLessThanOrEqual(2);

      started.splice(started.indexOf(api), 1);
      await api.close();

      await vi.waitFor(() => expect(threadsAtNice(NICE)).toBe(before));
    },
  );
});
