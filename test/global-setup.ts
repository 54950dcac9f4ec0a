import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';

import { createDb, migrateLatest } from '@groundwork/db';
import { pingRedis } from '@groundwork/queue';
import type { TestProject } from 'vitest/node';

import { assertPostgresReachable, createDatabase, dropDatabase } from './support/postgres-admin.js';
import { connectTestRedis, removeKeysWithPrefixes } from './support/redis-keys.js';
import { directDatabaseUrl, TEST_REDIS, uniqueName } from './support/test-env.js';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations', import.meta.url));

declare module 'vitest' {
  // Declaration merging needs an interface here.
  // eslint-disable-next-line @typescript-eslint/consistent-type-definitions
  export interface ProvidedContext {
    templateDatabase: string;
    redisKeyRunPrefix: string;
  }
}

/**
 * Once per run: a template database migrated with the real migrations. Each
 * test file clones it (fast, and isolated from every other file and worker).
 * Also the run's Redis key prefix, under which no key may outlive the run.
 */
export async function setup(project: TestProject) {
  await assertPostgresReachable();
  await assertRedisUsable();
  const template = uniqueName('gwt_template_');
  await createDatabase(template);
  const db = createDb({
    url: directDatabaseUrl(template),
    pool: { min: 0, max: 1 },
    idleTimeoutMs: 1_000,
    statementTimeoutMs: 30_000,
    connectTimeoutMs: 3_000,
  });
  try {
    await migrateLatest(db, MIGRATIONS_DIR);
  } finally {
    await db.destroy();
  }
  project.provide('templateDatabase', template);
  const redisKeyRunPrefix = `t${randomBytes(3).toString('hex')}`;
  project.provide('redisKeyRunPrefix', redisKeyRunPrefix);
  return async () => {
    await dropDatabase(template);
    // Each file removes its keys after it (redis-cleanup.ts); any left now leaked, and would stay in the developer's Redis.
    const leftovers = await removeKeysWithPrefixes([redisKeyRunPrefix]);
    if (leftovers.length > 0) {
      process.exitCode = 1; // vitest only logs an error thrown here; this fails the run
      throw new Error(
        `${leftovers.length} Redis keys outlived their test file (now removed), e.g. ${leftovers.slice(0, 5).join(', ')}`,
      );
    }
  };
}

/** Fails the run at once, naming the setting, when the suite's Redis (or any master of its cluster) is not there. */
async function assertRedisUsable(): Promise<void> {
  const redis = await connectTestRedis('test-setup');
  try {
    await pingRedis(redis);
  } catch (error) {
    throw new Error(`TEST_REDIS_URL (${TEST_REDIS.url}, TEST_REDIS_MODE=${TEST_REDIS.mode}) is not usable`, {
      cause: error,
    });
  } finally {
    redis.disconnect();
  }
}
