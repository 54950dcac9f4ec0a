import type { Knex } from 'knex';
import { raw } from 'objection';

import { OrganizationModel } from '../organizations/organization.model.js';
import { OrganizationDeletionModel } from './organization-deletion.model.js';

export type OrganizationDeletion = Pick<
  OrganizationDeletionModel,
  'id' | 'organizationId' | 'stripeCustomerId' | 'requestedByUserId' | 'attempts' | 'completedAt'
>;

const COLUMNS = ['id', 'organizationId', 'stripeCustomerId', 'requestedByUserId', 'attempts', 'completedAt'];

export function createOrganizationDeletionRepository(db: Knex) {
  return {
    /**
     * Records that the organization is to be deleted; returns the record's id.
     * Asking twice keeps the first record (unique organization_id).
     */
    async request(input: {
      organizationId: string;
      stripeCustomerId: string | null;
      requestedByUserId: string;
    }): Promise<string> {
      await OrganizationDeletionModel.query(db).insert(input).onConflict('organizationId').ignore();
      const row = await OrganizationDeletionModel.query(db)
        .findOne({ organizationId: input.organizationId })
        .select('id');
      if (!row) throw new Error(`organization deletion of ${input.organizationId} was not recorded`);
      return row.id;
    },

    async findById(id: string): Promise<OrganizationDeletion | undefined> {
      return OrganizationDeletionModel.query(db).findById(id).select(COLUMNS);
    },

    /** Counts an attempt that failed; the job's retries or the sweeper try again. */
    async recordFailure(id: string, error: string): Promise<void> {
      await OrganizationDeletionModel.query(db)
        .findById(id)
        .patch({ attempts: raw('attempts + 1'), lastError: error.slice(0, 1000) });
    },

    /**
     * Deletes the organization (memberships, subscriptions, usage and
     * invitations go with it, by cascade) and marks the record completed.
     * Two statements: call it on a unit of work's transaction.
     * Returns false when the record was completed already.
     */
    async complete(id: string): Promise<boolean> {
      const marked = await OrganizationDeletionModel.query(db)
        .where({ id })
        .whereNull('completedAt')
        .patch({ completedAt: raw('now()'), lastError: null })
        .returning('organizationId')
        .castTo<{ organizationId: string }[]>();
      const organizationId = marked[0]?.organizationId;
      if (!organizationId) return false;
      await OrganizationModel.query(db).deleteById(organizationId);
      return true;
    },

    /** Unfinished since before `olderThan`: what the sweeper queues again. */
    async listUnfinishedIds(olderThan: Date, limit = 500): Promise<string[]> {
      const rows = await OrganizationDeletionModel.query(db)
        .whereNull('completedAt')
        .where('createdAt', '<', olderThan)
        .orderBy('createdAt')
        .limit(limit)
        .select('id');
      return rows.map((row) => row.id);
    },
  };
}

export type OrganizationDeletionRepository = ReturnType<typeof createOrganizationDeletionRepository>;
