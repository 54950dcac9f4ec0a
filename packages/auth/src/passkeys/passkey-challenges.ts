import type { Cluster, Redis } from 'ioredis';

import type { Clock } from '../ports.js';
import { hashSecretToken } from '../tokens/secret-tokens.js';

/** What a challenge is bound to: registration and step-up to a session, sign-in to its challenge id, MFA to the login's challenge. */
export type PasskeyCeremony = 'register' | 'reauthenticate' | 'login' | 'mfa';

type Stored<TBinding> = { challenge: string; expiresAt: number; binding: TBinding };

/**
 * Single-use WebAuthn challenges (ADR 028): stored under what they are bound
 * to, and read with one GETDEL, which spends them, so a replayed or racing
 * response finds nothing. The TTL is checked against the injected clock;
 * Redis expiry only cleans up. Each command touches one key, so the keys need
 * no shared hash tag on Redis Cluster (ADR 027) and spread over the masters.
 */
export function createPasskeyChallenges(options: {
  redis: Redis | Cluster;
  keyPrefix: string;
  ttlSeconds: number;
  clock: Clock;
}) {
  // Bound to a secret (a challenge id, an MFA challenge): only its hash names the key.
  const keyFor = (ceremony: PasskeyCeremony, boundTo: string) =>
    `${options.keyPrefix}:passkey-challenge:${ceremony}:${hashSecretToken(boundTo).toString('hex')}`;

  return {
    async save<TBinding>(
      ceremony: PasskeyCeremony,
      boundTo: string,
      issued: { challenge: string; binding: TBinding },
    ): Promise<void> {
      const stored: Stored<TBinding> = { ...issued, expiresAt: options.clock.now() + options.ttlSeconds * 1000 };
      await options.redis.set(keyFor(ceremony, boundTo), JSON.stringify(stored), 'EX', options.ttlSeconds);
    },

    /** The live challenge and its binding, spent by this read; null when unknown, spent or expired. */
    async spend<TBinding>(
      ceremony: PasskeyCeremony,
      boundTo: string,
    ): Promise<{ challenge: string; binding: TBinding } | null> {
      const raw = await options.redis.getdel(keyFor(ceremony, boundTo));
      if (!raw) return null;
      const stored = JSON.parse(raw) as Stored<TBinding>;
      return stored.expiresAt > options.clock.now() ? stored : null;
    },
  };
}

export type PasskeyChallenges = ReturnType<typeof createPasskeyChallenges>;
