import { defineConfig } from 'vitest/config';

/**
 * Checks slower than the main suite, each with what it needs beyond Node,
 * PostgreSQL and Redis, run by CI after `npm test`:
 * - consumer (`npm run test:consumer`): the packed client installed in an app outside the workspaces (npm registry);
 * - browser (`npm run test:browser`): the React example driven in Chromium.
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
    ],
  },
});
