import type { Knex } from 'knex';

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
 * concurrent requests cannot both win.
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
      await db.raw(
        `insert into refresh_tokens (token_hash, family_id, user_id, family_expires_at, user_agent, ip)
         values (?, ?, ?, ?, ?, ?)`,
        [
          input.tokenHash,
          input.familyId,
          input.userId,
          input.familyExpiresAt,
          clip(input.context.userAgent, 512),
          clip(input.context.ip, 64),
        ],
      );
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
      const result = await db.raw<{ rows: PresentedToken[] }>(
        `select t.id, t.family_id as "familyId", t.user_id as "userId", t.used_at as "usedAt",
                t.revoked_at as "revokedAt", t.family_expires_at as "familyExpiresAt",
                c.id as "childId", c.used_at as "childUsedAt", c.revoked_at as "childRevokedAt"
         from refresh_tokens t left join refresh_tokens c on c.parent_id = t.id
         where t.token_hash = ?`,
        [tokenHash],
      );
      return result.rows[0] ?? null;
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
        const result = await db.raw<{ rowCount: number }>(
          `update refresh_tokens set revoked_at = now()
           where family_id = ? and revoked_at is null ${userId ? 'and user_id = ?' : ''}`,
          userId ? [familyId, userId] : [familyId],
        );
        if (result.rowCount === 0) return total;
        total += result.rowCount;
      }
    },

    /** Revokes every family of the user (again until none is left, as above); returns the families' ids. */
    async revokeAllForUser(userId: string): Promise<string[]> {
      const families = new Set<string>();
      for (;;) {
        const result = await db.raw<{ rows: { familyId: string }[] }>(
          `update refresh_tokens set revoked_at = now()
           where user_id = ? and revoked_at is null
           returning family_id as "familyId"`,
          [userId],
        );
        if (result.rows.length === 0) return [...families];
        for (const row of result.rows) families.add(row.familyId);
      }
    },

    /** The database's answer to "is this session revoked?", used when Redis cannot answer. */
    async isFamilyRevoked(familyId: string): Promise<boolean> {
      const result = await db.raw<{ rows: { revoked: boolean }[] }>(
        `select coalesce(bool_or(revoked_at is not null), true) as revoked from refresh_tokens where family_id = ?`,
        [familyId],
      );
      return result.rows[0]?.revoked ?? true;
    },

    async listActiveSessions(userId: string): Promise<ActiveSession[]> {
      const result = await db.raw<{ rows: ActiveSession[] }>(
        `select family_id as "sessionId", min(created_at) as "createdAt", max(created_at) as "lastRefreshedAt",
                max(family_expires_at) as "expiresAt",
                (array_agg(user_agent order by created_at desc))[1] as "userAgent",
                (array_agg(ip order by created_at desc))[1] as "ip"
         from refresh_tokens
         where user_id = ?
         group by family_id
         having bool_and(revoked_at is null) and max(family_expires_at) > now()
         order by max(created_at) desc`,
        [userId],
      );
      return result.rows;
    },
  };
}

export type RefreshTokenRepository = ReturnType<typeof createRefreshTokenRepository>;
