import { AppError } from '@groundwork/core';
import type { Knex } from 'knex';
import { raw } from 'objection';

import { PasskeyModel } from './passkey.model.js';

/** What a ceremony needs to verify an assertion. */
export type StoredPasskey = {
  id: string;
  userId: string;
  credentialId: string;
  publicKey: Buffer;
  counter: number;
  transports: string[];
};

/** What a user sees of their passkeys: never the key itself. */
export type ListedPasskey = {
  id: string;
  name: string;
  deviceType: 'singleDevice' | 'multiDevice';
  backedUp: boolean;
  createdAt: Date;
  lastUsedAt: Date | null;
};

export type NewPasskey = {
  userId: string;
  credentialId: string;
  publicKey: Buffer;
  counter: number;
  transports: string[];
  name: string;
  deviceType: 'singleDevice' | 'multiDevice';
  backedUp: boolean;
};

const STORED_COLUMNS = ['id', 'userId', 'credentialId', 'publicKey', 'counter', 'transports'] as const;
const LISTED_COLUMNS = ['id', 'name', 'deviceType', 'backedUp', 'createdAt', 'lastUsedAt'] as const;

const toStored = (row: PasskeyModel): StoredPasskey => ({
  id: row.id,
  userId: row.userId,
  credentialId: row.credentialId,
  publicKey: row.publicKey,
  counter: Number(row.counter),
  transports: row.transports,
});

export function createPasskeyRepository(db: Knex) {
  return {
    /** @throws AppError CONFLICT when the credential is already registered (to anyone) */
    async insert(passkey: NewPasskey): Promise<ListedPasskey> {
      // One statement: of two registrations of one credential, however they race, one stores it.
      const inserted: ListedPasskey[] = await db(PasskeyModel.tableName)
        .insert({ ...passkey, counter: String(passkey.counter) })
        .onConflict('credentialId')
        .ignore()
        .returning([...LISTED_COLUMNS]);
      const row = inserted[0];
      if (!row) throw new AppError('CONFLICT', 'This passkey is already registered');
      return row;
    },

    async findByCredentialId(credentialId: string): Promise<StoredPasskey | undefined> {
      const row = await PasskeyModel.query(db)
        .findOne({ credentialId })
        .select(...STORED_COLUMNS);
      return row ? toStored(row) : undefined;
    },

    async listCredentialsOf(userId: string): Promise<StoredPasskey[]> {
      const rows = await PasskeyModel.query(db)
        .where({ userId })
        .orderBy('createdAt')
        .select(...STORED_COLUMNS);
      return rows.map(toStored);
    },

    async listOf(userId: string): Promise<ListedPasskey[]> {
      return PasskeyModel.query(db)
        .where({ userId })
        .orderBy('createdAt')
        .select(...LISTED_COLUMNS)
        .castTo<ListedPasskey[]>();
    },

    async hasAny(userId: string): Promise<boolean> {
      return (await PasskeyModel.query(db).findOne({ userId }).select('id')) !== undefined;
    },

    /**
     * Records a verified assertion: the clone guard and the bookkeeping in one
     * conditional UPDATE. It changes the row only while the stored counter is
     * below the new one (or both are 0: authenticators without a counter), so
     * of two requests carrying one assertion, or a clone behind the original,
     * only one passes. Returns whether this call claimed it.
     */
    async recordUse(passkey: { id: string; newCounter: number; backedUp: boolean }): Promise<boolean> {
      const updated = await PasskeyModel.query(db)
        .findById(passkey.id)
        .whereRaw('(counter < ? or (counter = 0 and ? = 0))', [passkey.newCounter, passkey.newCounter])
        .patch({ counter: String(passkey.newCounter), backedUp: passkey.backedUp, lastUsedAt: raw('now()') });
      return updated > 0;
    },

    async rename(userId: string, passkeyId: string, name: string): Promise<boolean> {
      return (await PasskeyModel.query(db).findOne({ id: passkeyId, userId }).patch({ name })) > 0;
    },

    async remove(userId: string, passkeyId: string): Promise<boolean> {
      return (await PasskeyModel.query(db).delete().where({ id: passkeyId, userId })) > 0;
    },
  };
}

export type PasskeyRepository = ReturnType<typeof createPasskeyRepository>;
