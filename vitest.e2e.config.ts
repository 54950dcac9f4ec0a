import { defineConfig } from 'vitest/config';

/**
 * Checks slower than the main suite, each with what it needs beyond Node,
 * PostgreSQL and Redis, run by CI after `npm test`:
 * - consumer (`npm run test:consumer`): the packed client installed in an app outside the workspaces (npm registry);
 * - browser (`npm run test:browser`): the React example driven in Chromium;
 * - cluster (`npm run test:cluster`): the product on a Redis Cluster it starts itself (redis-server, ADR 027).
 */
export default defineConfig({
  test: {
    restoreMocks: true,
    globalSetup: ['test/global-setup.ts'],
    setupFiles: ['test/redis-cleanup.ts'],
    testTimeout: 120_000,
    hookTimeout: 240_000,
    projects: [
      { extends: true, test: { name: 'consumer', include: ['test/consumer/**/*.test.ts'] } },
      { extends: true, test: { name: 'browser', include: ['test/browser/**/*.test.ts'] } },
      { extends: true, test: { name: 'cluster', include: ['test/cluster/**/*.test.ts'] } },
    ],
  },
});
