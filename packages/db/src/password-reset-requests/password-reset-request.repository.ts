import type { Knex } from 'knex';

import { PasswordResetRequestModel } from './password-reset-request.model.js';

export type NewPasswordResetRequest = Pick<PasswordResetRequestModel, 'email' | 'ip' | 'userAgent' | 'requestId'>;
export type PasswordResetRequest = NewPasswordResetRequest & { id: string };

const COLUMNS = ['id', 'email', 'ip', 'userAgent', 'requestId'] as const;

export function createPasswordResetRequestRepository(db: Knex) {
  return {
    async insert(request: NewPasswordResetRequest): Promise<{ id: string }> {
      return PasswordResetRequestModel.query(db).insert(request).returning('id');
    },

    /**
     * Takes the request to serve it: one DELETE … RETURNING, so of two workers
     * handed the same request (a duplicate job, a sweep racing the job) only one
     * gets it. In the serving transaction, a failure puts it back.
     */
    async take(id: string): Promise<PasswordResetRequest | undefined> {
      const rows = await PasswordResetRequestModel.query(db)
        .delete()
        .where({ id })
        .returning([...COLUMNS]);
      return (rows as unknown as PasswordResetRequest[])[0];
    },

    /** Waiting since before `olderThan`: what the sweeper queues again after a lost enqueue. */
    async listWaitingIds(olderThan: Date, limit = 500): Promise<string[]> {
      const rows = await PasswordResetRequestModel.query(db)
        .where('createdAt', '<', olderThan)
        .orderBy('createdAt')
        .limit(limit)
        .select('id');
      return rows.map((row) => row.id);
    },
  };
}

export type PasswordResetRequestRepository = ReturnType<typeof createPasswordResetRequestRepository>;
