import { afterAll, beforeAll, inject } from 'vitest';

import { createDatabase, dropDatabase } from './postgres-admin.js';
import { databaseUrl, uniqueName } from './test-env.js';

/**
 * Gives the calling test file its own migrated database, cloned from the
 * run's template before its tests and dropped after them.
 */
export function useTestDatabase(): { readonly url: string; readonly name: string } {
  const name = uniqueName('gwt_');
  beforeAll(async () => {
    await createDatabase(name, inject('templateDatabase'));
  });
  afterAll(async () => {
    await dropDatabase(name);
  });
  return { name, url: databaseUrl(name) };
}
