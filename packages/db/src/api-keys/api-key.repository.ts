import type { Knex } from 'knex';
import { raw } from 'objection';

import { ApiKeyModel, type ApiKeyScope } from './api-key.model.js';

export type NewApiKey = {
  organizationId: string;
  name: string;
  keyHash: Buffer;
  prefix: string;
  lastFour: string;
  scopes: ApiKeyScope[];
  createdByUserId: string;
  expiresAt: Date | null;
};

/** What authenticating a request needs of a key: no name, no secret material. */
export type UsableApiKey = Pick<ApiKeyModel, 'id' | 'organizationId' | 'scopes' | 'expiresAt'>;

/** What a list shows: never the hash. */
export type ListedApiKey = Pick<
  ApiKeyModel,
  | 'id'
  | 'name'
  | 'prefix'
  | 'lastFour'
  | 'scopes'
  | 'createdByUserId'
  | 'createdAt'
  | 'expiresAt'
  | 'lastUsedAt'
  | 'replacedById'
>;

/** A key that can still be revoked or rotated, with the hash every instance's cache is keyed by. */
export type LiveApiKey = Pick<ApiKeyModel, 'id' | 'keyHash' | 'name' | 'scopes' | 'expiresAt'>;

const LISTED = [
  'id',
  'name',
  'prefix',
  'lastFour',
  'scopes',
  'createdByUserId',
  'createdAt',
  'expiresAt',
  'lastUsedAt',
  'replacedById',
] as const;

export function createApiKeyRepository(db: Knex) {
  return {
    async insert(key: NewApiKey): Promise<{ id: string }> {
      const row = await ApiKeyModel.query(db).insert(key).returning('id');
      return { id: row.id };
    },

    /** The unrevoked key with this hash (expiry is the caller's to judge, against its clock). */
    findUsableByHash: async (keyHash: Buffer): Promise<UsableApiKey | undefined> =>
      await ApiKeyModel.query(db)
        .findOne({ keyHash })
        .whereNull('revokedAt')
        .select('id', 'organizationId', 'scopes', 'expiresAt'),

    /** The organization's unrevoked keys, expired ones included (so people can see and clean them up). */
    listForOrganization: async (organizationId: string): Promise<ListedApiKey[]> =>
      await ApiKeyModel.query(db)
        .where({ organizationId })
        .whereNull('revokedAt')
        .orderBy('createdAt', 'desc')
        .select(...LISTED),

    /** Tenant-scoped: another organization's key is as absent as a missing one. Locks the row for a rotation. */
    findLive: async (organizationId: string, id: string): Promise<LiveApiKey | undefined> =>
      await ApiKeyModel.query(db)
        .findOne({ organizationId, id })
        .whereNull('revokedAt')
        .forUpdate()
        .select('id', 'keyHash', 'name', 'scopes', 'expiresAt'),

    /** Revokes in one conditional statement; undefined when it was missing, foreign or already revoked. */
    async revoke(organizationId: string, id: string): Promise<{ keyHash: Buffer } | undefined> {
      const rows = await ApiKeyModel.query(db)
        .patch({ revokedAt: raw('now()') })
        .where({ organizationId, id })
        .whereNull('revokedAt')
        .returning(['keyHash']);
      return (rows as unknown as { keyHash: Buffer }[])[0];
    },

    /** Ends a rotated key's life at `expiresAt` and names its successor. */
    async retire(id: string, change: { expiresAt: Date; replacedById: string }): Promise<void> {
      await ApiKeyModel.query(db).patch(change).where({ id });
    },

    /**
     * Records last use for many keys in one statement, never moving a time backwards.
     * Raw SQL because `greatest` against the stored value in the same statement is the guarantee:
     * two instances flushing out of order still leave the latest time.
     */
    async touchLastUsed(uses: { id: string; at: Date }[]): Promise<void> {
      if (uses.length === 0) return;
      await db.raw(
        `update api_keys k set last_used_at = greatest(k.last_used_at, v.at)
         from unnest(?::uuid[], ?::timestamptz[]) as v(id, at)
         where k.id = v.id`,
        [uses.map((use) => use.id), uses.map((use) => use.at)],
      );
    },
  };
}

export type ApiKeyRepository = ReturnType<typeof createApiKeyRepository>;
