import { AppError } from '@groundwork/core';
import type { Knex } from 'knex';
import { raw } from 'objection';

import { RecoveryCodeModel, TwoFactorCredentialModel } from './two-factor.model.js';

export type TwoFactorCredential = { secretCiphertext: Buffer; confirmed: boolean };

export function createTwoFactorRepository(db: Knex) {
  return {
    /**
     * Stores a new, unconfirmed secret, replacing an earlier unconfirmed one.
     *
     * @throws AppError CONFLICT when two-factor is already confirmed for the user
     */
    async saveUnconfirmed(userId: string, secretCiphertext: Buffer): Promise<void> {
      // One statement: a confirmed credential is never overwritten, however requests race.
      const result = await db.raw<{ rowCount: number }>(
        `insert into two_factor_credentials (user_id, secret_ciphertext) values (?, ?)
         on conflict (user_id) do update
           set secret_ciphertext = excluded.secret_ciphertext, last_used_step = null, created_at = now()
           where two_factor_credentials.confirmed_at is null`,
        [userId, secretCiphertext],
      );
      if (result.rowCount === 0) throw new AppError('CONFLICT', 'Two-factor authentication is already enabled');
    },

    async findByUserId(userId: string): Promise<TwoFactorCredential | undefined> {
      const row = await TwoFactorCredentialModel.query(db).findById(userId).select('secretCiphertext', 'confirmedAt');
      return row ? { secretCiphertext: row.secretCiphertext, confirmed: row.confirmedAt !== null } : undefined;
    },

    /** Whether the user must pass a second factor to sign in. */
    async isEnabled(userId: string): Promise<boolean> {
      const row = await TwoFactorCredentialModel.query(db)
        .findById(userId)
        .whereNotNull('confirmedAt')
        .select('userId');
      return row !== undefined;
    },

    /**
     * Records `step` as used, only if it is later than every step used before:
     * the replay guard, one conditional UPDATE, so two requests carrying the
     * same code cannot both pass. Returns whether this call claimed it.
     */
    async claimStep(userId: string, step: number): Promise<boolean> {
      const claimed = await TwoFactorCredentialModel.query(db)
        .findById(userId)
        .whereRaw('(last_used_step is null or last_used_step < ?)', [step])
        .patch({ lastUsedStep: String(step) });
      return claimed > 0;
    },

    /** Marks the credential in force; false if it was already confirmed (a concurrent confirmation). */
    async markConfirmed(userId: string): Promise<boolean> {
      const confirmed = await TwoFactorCredentialModel.query(db)
        .findById(userId)
        .whereNull('confirmedAt')
        .patch({ confirmedAt: raw('now()') });
      return confirmed > 0;
    },

    /** Replaces every recovery code of the user by these hashes; call it in the confirmation's transaction. */
    async replaceRecoveryCodes(userId: string, codeHashes: Buffer[]): Promise<void> {
      await RecoveryCodeModel.query(db).delete().where({ userId });
      await RecoveryCodeModel.query(db).insert(codeHashes.map((codeHash) => ({ userId, codeHash })));
    },

    /** Uses a recovery code once: one conditional UPDATE. Returns whether the code was there and unused. */
    async consumeRecoveryCode(userId: string, codeHash: Buffer): Promise<boolean> {
      const used = await RecoveryCodeModel.query(db)
        .where({ userId, codeHash })
        .whereNull('usedAt')
        .patch({ usedAt: raw('now()') });
      return used > 0;
    },

    async countUnusedRecoveryCodes(userId: string): Promise<number> {
      const rows = await RecoveryCodeModel.query(db).where({ userId }).whereNull('usedAt').select('id');
      return rows.length;
    },

    /** Removes the credential and its recovery codes. */
    async remove(userId: string): Promise<void> {
      await RecoveryCodeModel.query(db).delete().where({ userId });
      await TwoFactorCredentialModel.query(db).delete().where({ userId });
    },
  };
}

export type TwoFactorRepository = ReturnType<typeof createTwoFactorRepository>;
