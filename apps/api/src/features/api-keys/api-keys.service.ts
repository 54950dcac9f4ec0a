import type { RequestMeta } from '@groundwork/auth';
import { AppError } from '@groundwork/core';
import type { ApiKeyScope, Repositories, UnitOfWork } from '@groundwork/db';

import type { ApiKeyPrincipal } from './api-key-access.js';
import type { ApiKeyCache } from './api-key-cache.js';
import { type ApiKeyEnvironment, generateApiKey, hashIfWellFormed } from './api-key-secret.js';
import type { LastUsedRecorder } from './last-used-recorder.js';

/** Who asks for a change to an organization's keys, and from where (for the audit log). */
export type KeyActor = { userId: string; request: RequestMeta };

export type CreateApiKey = {
  organizationId: string;
  name: string;
  scopes: ApiKeyScope[];
  expiresAt?: Date | undefined;
};

/**
 * Organization API keys: the use cases (create, list, revoke, rotate) and the
 * request-path check (`authenticate`), which reads only the per-instance cache
 * in the steady state and records last use in memory.
 */
export function createApiKeysService(deps: {
  uow: UnitOfWork;
  cache: ApiKeyCache;
  lastUsed: LastUsedRecorder;
  environment: ApiKeyEnvironment;
  rotationGraceSeconds: number;
  now?: () => number;
}) {
  const now = deps.now ?? Date.now;

  const audit = (repos: Repositories, type: 'api_key.created' | 'api_key.revoked' | 'api_key.rotated') =>
    function record(actor: KeyActor, organizationId: string, metadata: Record<string, string | null>) {
      return repos.audit.insert({
        type,
        actorUserId: actor.userId,
        organizationId,
        ip: actor.request.ip,
        userAgent: actor.request.userAgent,
        requestId: actor.request.requestId,
        metadata,
      });
    };

  /** Stores a new key's hash and returns the secret: the only place a key is minted. */
  async function mint(repos: Repositories, input: CreateApiKey & { createdByUserId: string }) {
    const { key, hash, prefix, lastFour } = generateApiKey(deps.environment);
    const { id } = await repos.apiKeys.insert({
      organizationId: input.organizationId,
      name: input.name,
      keyHash: hash,
      prefix,
      lastFour,
      scopes: [...new Set(input.scopes)],
      createdByUserId: input.createdByUserId,
      expiresAt: input.expiresAt ?? null,
    });
    return { id, key };
  }

  return {
    start: () => deps.cache.start(),

    /**
     * Creates a key (the caller's role was checked by the procedure). The one use case that
     * creates keys: a step-up check for key creation belongs here.
     *
     * @throws AppError INVALID when `expiresAt` is not in the future
     */
    async create(actor: KeyActor, input: CreateApiKey): Promise<{ id: string; key: string }> {
      if (input.expiresAt && input.expiresAt.getTime() <= now()) {
        throw new AppError('INVALID', 'expiresAt must be in the future');
      }
      return deps.uow.transaction(async (repos) => {
        const created = await mint(repos, { ...input, createdByUserId: actor.userId });
        await audit(repos, 'api_key.created')(actor, input.organizationId, {
          apiKeyId: created.id,
          name: input.name,
          scopes: input.scopes.join(','),
          expiresAt: input.expiresAt?.toISOString() ?? null,
        });
        return created;
      });
    },

    list: (organizationId: string) => deps.uow.repositories.apiKeys.listForOrganization(organizationId),

    /**
     * Revokes a key; every instance refuses it from its next call on.
     *
     * @throws AppError NOT_FOUND when the key is missing, of another organization or already revoked
     */
    async revoke(actor: KeyActor, organizationId: string, apiKeyId: string): Promise<void> {
      const revoked = await deps.uow.transaction(async (repos) => {
        const row = await repos.apiKeys.revoke(organizationId, apiKeyId);
        if (row) await audit(repos, 'api_key.revoked')(actor, organizationId, { apiKeyId });
        return row;
      });
      if (!revoked) throw new AppError('NOT_FOUND', 'API key not found');
      await deps.cache.announce(revoked.keyHash);
    },

    /**
     * Replaces a key with a new one of the same name, scopes and expiry. The old key keeps
     * working for the rotation grace period (or until its own expiry, if sooner), then is refused.
     *
     * @throws AppError NOT_FOUND when the key is missing, of another organization or revoked
     */
    async rotate(actor: KeyActor, organizationId: string, apiKeyId: string) {
      const rotated = await deps.uow.transaction(async (repos) => {
        const old = await repos.apiKeys.findLive(organizationId, apiKeyId);
        if (!old) return undefined;
        const created = await mint(repos, {
          organizationId,
          name: old.name,
          scopes: old.scopes,
          expiresAt: old.expiresAt ?? undefined,
          createdByUserId: actor.userId,
        });
        const graceEnds = now() + deps.rotationGraceSeconds * 1000;
        const oldExpiresAt = new Date(Math.min(graceEnds, old.expiresAt?.getTime() ?? graceEnds));
        await repos.apiKeys.retire(old.id, { expiresAt: oldExpiresAt, replacedById: created.id });
        await audit(repos, 'api_key.rotated')(actor, organizationId, {
          apiKeyId: old.id,
          replacedById: created.id,
          oldKeyExpiresAt: oldExpiresAt.toISOString(),
        });
        return { ...created, oldKeyHash: old.keyHash, oldKeyExpiresAt: oldExpiresAt };
      });
      if (!rotated) throw new AppError('NOT_FOUND', 'API key not found');
      await deps.cache.announce(rotated.oldKeyHash);
      return { id: rotated.id, key: rotated.key, oldKeyExpiresAt: rotated.oldKeyExpiresAt };
    },

    /**
     * The principal a bearer key stands for, or null (malformed, unknown, revoked or expired).
     * Malformed text is refused before the cache; the cache answers in the steady state.
     */
    async authenticate(bearer: string): Promise<ApiKeyPrincipal | null> {
      const hash = hashIfWellFormed(bearer, deps.environment);
      if (!hash) return null;
      const record = await deps.cache.get(hash);
      const at = now();
      if (!record || (record.expiresAt && record.expiresAt.getTime() <= at)) return null;
      deps.lastUsed.record(record.id, at);
      return { kind: 'apiKey', apiKeyId: record.id, organizationId: record.organizationId, scopes: record.scopes };
    },

    /** Writes pending last-use times now (also done on a timer and at stop). */
    flushLastUsed: () => deps.lastUsed.flush(),

    /** Called with a key's hash (hex) whenever a revoke or rotation reaches this instance (tests await it). */
    onInvalidated: (listener: (keyHashHex: string) => void) => deps.cache.onInvalidated(listener),
  };
}

export type ApiKeysService = ReturnType<typeof createApiKeysService>;
