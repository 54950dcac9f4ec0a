import type { Cluster, Redis } from 'ioredis';

import type { Clock } from '../ports.js';
import { generateSecretToken, hashSecretToken } from '../tokens/secret-tokens.js';

/** Recognisable, like our other bearer secrets; never valid anywhere but auth.completeMfa. */
const CHALLENGE_PREFIX = 'gwm_';

type StoredChallenge = { userId: string; expiresAt: number };

/**
 * The step between a correct password and a second factor (ADR 026): a
 * random 256-bit challenge in Redis, keyed by its hash, bound to the user
 * whose password was checked. It lives for the configured TTL (checked
 * against the injected clock; Redis expiry only cleans up) and is spent by
 * the one completion that deletes it.
 */
export function createMfaChallenges(options: {
  redis: Redis | Cluster;
  keyPrefix: string;
  ttlSeconds: number;
  clock: Clock;
}) {
  const keyFor = (challenge: string) =>
    `${options.keyPrefix}:{auth}:mfa-challenge:${hashSecretToken(challenge).toString('hex')}`;

  return {
    async issue(userId: string): Promise<{ challenge: string; expiresAt: Date }> {
      const challenge = generateSecretToken(CHALLENGE_PREFIX);
      const expiresAt = options.clock.now() + options.ttlSeconds * 1000;
      const stored: StoredChallenge = { userId, expiresAt };
      await options.redis.set(keyFor(challenge), JSON.stringify(stored), 'EX', options.ttlSeconds);
      return { challenge, expiresAt: new Date(expiresAt) };
    },

    /** The user a live challenge was issued for, or null (unknown, spent or expired). */
    async userOf(challenge: string): Promise<string | null> {
      const raw = await options.redis.get(keyFor(challenge));
      if (!raw) return null;
      const stored = JSON.parse(raw) as StoredChallenge;
      return stored.expiresAt > options.clock.now() ? stored.userId : null;
    },

    /** Spends the challenge; true for exactly one caller however many race. */
    async spend(challenge: string): Promise<boolean> {
      return (await options.redis.del(keyFor(challenge))) === 1;
    },
  };
}

export type MfaChallenges = ReturnType<typeof createMfaChallenges>;
