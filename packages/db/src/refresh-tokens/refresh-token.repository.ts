import type { Knex } from 'knex';
import { raw } from 'objection';

import { RefreshTokenModel } from './refresh-token.model.js';

export type TokenContext = { userAgent: string | null; ip: string | null };
export type RotatedFamily = { familyId: string; userId: string; familyExpiresAt: Date };
export type PresentedToken = {
  id: string;
  familyId: string;
  userId: string;
  usedAt: Date | null;
  revokedAt: Date | null;
  familyExpiresAt: Date;
  /** The successor this token was exchanged for, if any. */
  childUsedAt: Date | null;
  childRevokedAt: Date | null;
  childId: string | null;
};
export type ActiveSession = {
  sessionId: string;
  createdAt: Date;
  lastRefreshedAt: Date;
  expiresAt: Date;
  userAgent: string | null;
  ip: string | null;
};

const clip = (value: string | null, max: number) => (value === null ? null : value.slice(0, max));

/**
 * Refresh tokens are stored only as SHA-256 hashes and grouped in families
 * (one per login). Rotation and revocation are single SQL statements so that
 * concurrent requests cannot both win. Only the rotation is written as raw SQL:
 * its guarantee (mark used and insert the successor atomically, under the row
 * lock) needs a data-modifying CTE the query builder cannot express.
 */
export function createRefreshTokenRepository(db: Knex) {
  return {
    async insertFamilyHead(input: {
      tokenHash: Buffer;
      familyId: string;
      userId: string;
      familyExpiresAt: Date;
      context: TokenContext;
    }): Promise<void> {
      await RefreshTokenModel.query(db).insert({
        tokenHash: input.tokenHash,
        familyId: input.familyId,
        userId: input.userId,
        familyExpiresAt: input.familyExpiresAt,
        userAgent: clip(input.context.userAgent, 512),
        ip: clip(input.context.ip, 64),
      });
    },

    /**
     * Marks the presented token used and issues its successor, in one statement.
     * Returns null when the token is unknown, used, revoked, expired or older
     * than the user's `tokens_valid_after`; of two concurrent calls with the
     * same token, the second waits on the row lock and then finds it used.
     */
    async rotate(input: {
      tokenHash: Buffer;
      successorHash: Buffer;
      context: TokenContext;
    }): Promise<RotatedFamily | null> {
      const result = await db.raw<{ rows: RotatedFamily[] }>(
        `with used as (
           update refresh_tokens t set used_at = now()
           from users u
           where t.token_hash = ? and t.used_at is null and t.revoked_at is null
             and t.family_expires_at > now() and u.id = t.user_id and t.created_at >= u.tokens_valid_after
             and not exists (
               select 1 from refresh_tokens r where r.family_id = t.family_id and r.revoked_at is not null
             )
           returning t.id, t.family_id, t.user_id, t.family_expires_at
         )
         insert into refresh_tokens (token_hash, family_id, parent_id, user_id, family_expires_at, user_agent, ip)
         select ?, family_id, id, user_id, family_expires_at, ?, ? from used
         returning family_id as "familyId", user_id as "userId", family_expires_at as "familyExpiresAt"`,
        [input.tokenHash, input.successorHash, clip(input.context.userAgent, 512), clip(input.context.ip, 64)],
      );
      return result.rows[0] ?? null;
    },

    /** The presented token with its successor's state, to tell reuse from a benign race. */
    async findPresented(tokenHash: Buffer): Promise<PresentedToken | null> {
      const row = await RefreshTokenModel.query(db)
        .alias('t')
        .leftJoin('refreshTokens as c', 'c.parentId', 't.id')
        .where('t.tokenHash', tokenHash)
        .first()
        .select(
          't.id',
          't.familyId',
          't.userId',
          't.usedAt',
          't.revokedAt',
          't.familyExpiresAt',
          'c.id as childId',
          'c.usedAt as childUsedAt',
          'c.revokedAt as childRevokedAt',
        )
        .castTo<PresentedToken | undefined>();
      return row ?? null;
    },

    /**
     * Revokes every token of the family; returns how many were still unrevoked.
     * A rotation racing this statement can insert a successor its snapshot does
     * not see, so it runs again until nothing is left; from the first pass on,
     * rotation refuses a family with any revoked token.
     */
    async revokeFamily(familyId: string, userId?: string): Promise<number> {
      let total = 0;
      for (;;) {
        const revoked = await RefreshTokenModel.query(db)
          .patch({ revokedAt: raw('now()') })
          .where({ familyId, ...(userId ? { userId } : {}) })
          .whereNull('revokedAt');
        if (revoked === 0) return total;
        total += revoked;
      }
    },

    /** Revokes every family of the user (again until none is left, as above); returns the families' ids. */
    async revokeAllForUser(userId: string): Promise<string[]> {
      const families = new Set<string>();
      for (;;) {
        const rows = await RefreshTokenModel.query(db)
          .patch({ revokedAt: raw('now()') })
          .where({ userId })
          .whereNull('revokedAt')
          .returning('familyId')
          .castTo<{ familyId: string }[]>();
        if (rows.length === 0) return [...families];
        for (const row of rows) families.add(row.familyId);
      }
    },

    /** The database's answer to "is this session revoked?", used when Redis cannot answer; no rows: revoked. */
    async isFamilyRevoked(familyId: string): Promise<boolean> {
      const row = await RefreshTokenModel.query(db)
        .where({ familyId })
        .first()
        .select(raw('coalesce(bool_or(?? is not null), true) as ??', ['revokedAt', 'revoked']))
        .castTo<{ revoked: boolean } | undefined>();
      return row?.revoked ?? true;
    },

    /** The user's sessions (families) that are neither revoked nor expired, the latest refreshed first. */
    async listActiveSessions(userId: string): Promise<ActiveSession[]> {
      return RefreshTokenModel.query(db)
        .where({ userId })
        .groupBy('familyId')
        .havingRaw('bool_and(?? is null) and max(??) > now()', ['revokedAt', 'familyExpiresAt'])
        .orderByRaw('max(??) desc', ['createdAt'])
        .select(
          'familyId as sessionId',
          raw('min(??) as ??', ['createdAt', 'createdAt']),
          raw('max(??) as ??', ['createdAt', 'lastRefreshedAt']),
          raw('max(??) as ??', ['familyExpiresAt', 'expiresAt']),
          raw('(array_agg(?? order by ?? desc))[1] as ??', ['userAgent', 'createdAt', 'userAgent']),
          raw('(array_agg(?? order by ?? desc))[1] as ??', ['ip', 'createdAt', 'ip']),
        )
        .castTo<ActiveSession[]>();
    },
  };
}

export type RefreshTokenRepository = ReturnType<typeof createRefreshTokenRepository>;
