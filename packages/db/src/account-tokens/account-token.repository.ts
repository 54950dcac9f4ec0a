import type { Knex } from 'knex';
import { raw } from 'objection';

import { AccountTokenModel, type AccountTokenPurpose } from './account-token.model.js';

export type ConsumedAccountToken = Pick<AccountTokenModel, 'userId' | 'email'>;

export function createAccountTokenRepository(db: Knex) {
  return {
    /**
     * Stores a new link and voids the user's earlier unused links of the same
     * purpose: only the newest reset or verification link works. Call it in a
     * transaction so the two statements commit together.
     */
    async replace(input: {
      userId: string;
      purpose: AccountTokenPurpose;
      tokenHash: Buffer;
      email: string;
      expiresAt: Date;
    }): Promise<void> {
      await AccountTokenModel.query(db)
        .patch({ consumedAt: raw('now()') })
        .where({ userId: input.userId, purpose: input.purpose })
        .whereNull('consumedAt');
      await AccountTokenModel.query(db).insert(input);
    },

    /**
     * Uses the link once. One conditional UPDATE decides, so of concurrent
     * requests with the same token exactly one gets the row; an expired,
     * used, voided or unknown token gets undefined.
     */
    async consume(purpose: AccountTokenPurpose, tokenHash: Buffer): Promise<ConsumedAccountToken | undefined> {
      const rows = await AccountTokenModel.query(db)
        .patch({ consumedAt: raw('now()') })
        .where({ purpose, tokenHash })
        .whereNull('consumedAt')
        .where('expiresAt', '>', raw('now()'))
        .returning(['userId', 'email']);
      return (rows as unknown as ConsumedAccountToken[])[0];
    },

    /** Voids every unused link of the user (after a reset, or when the address changes). */
    async voidAllForUser(userId: string, purpose: AccountTokenPurpose): Promise<number> {
      return AccountTokenModel.query(db)
        .patch({ consumedAt: raw('now()') })
        .where({ userId, purpose })
        .whereNull('consumedAt');
    },
  };
}

export type AccountTokenRepository = ReturnType<typeof createAccountTokenRepository>;
