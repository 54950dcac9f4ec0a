import { afterAll } from 'vitest';

import { removeKeysWithPrefixes } from './support/redis-keys.js';
import { takeKeyPrefixes } from './support/test-env.js';

// Registered before the file's own hooks, so it runs after them: its workers and queues are closed by then.
afterAll(async () => {
  await removeKeysWithPrefixes(takeKeyPrefixes());
});
