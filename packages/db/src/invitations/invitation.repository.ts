import { AppError } from '@groundwork/core';
import type { Knex } from 'knex';
import { raw, UniqueViolationError } from 'objection';

import type { Role } from '../organizations/organization.model.js';
import { InvitationModel } from './invitation.model.js';

export type OpenInvitation = Pick<
  InvitationModel,
  'id' | 'email' | 'role' | 'invitedByUserId' | 'createdAt' | 'expiresAt'
>;
export type InvitationByToken = Pick<InvitationModel, 'id' | 'organizationId' | 'email' | 'role' | 'expiresAt'>;
export type AcceptedInvitation = Pick<InvitationModel, 'id' | 'organizationId' | 'email' | 'role'>;

const OPEN_COLUMNS = ['id', 'email', 'role', 'invitedByUserId', 'createdAt', 'expiresAt'] as const;

export function createInvitationRepository(db: Knex) {
  const open = () => InvitationModel.query(db).whereNull('acceptedAt').whereNull('revokedAt');
  return {
    /** @throws AppError CONFLICT when the address already has an open invitation to the organization */
    async insert(input: {
      organizationId: string;
      email: string;
      role: Role;
      tokenHash: Buffer;
      invitedByUserId: string;
      expiresAt: Date;
    }): Promise<{ id: string }> {
      try {
        return await InvitationModel.query(db).insert(input).returning('id');
      } catch (error) {
        if (error instanceof UniqueViolationError) {
          throw new AppError('CONFLICT', 'This address already has an open invitation; resend it instead', {
            cause: error,
          });
        }
        throw error;
      }
    },

    /** A new secret and expiry for an open invitation: the old link stops working. */
    async renew(
      organizationId: string,
      id: string,
      renewal: { tokenHash: Buffer; expiresAt: Date },
    ): Promise<Pick<InvitationModel, 'email' | 'role'> | undefined> {
      const rows = await open().patch(renewal).where({ organizationId, id }).returning(['email', 'role']);
      return (rows as unknown as Pick<InvitationModel, 'email' | 'role'>[])[0];
    },

    async revoke(organizationId: string, id: string): Promise<boolean> {
      return (
        (await open()
          .patch({ revokedAt: raw('now()') })
          .where({ organizationId, id })) > 0
      );
    },

    /** Open invitations, expired ones included (they can be resent), newest first. */
    async listOpen(organizationId: string): Promise<OpenInvitation[]> {
      return open().where({ organizationId }).orderBy('createdAt', 'desc').select(OPEN_COLUMNS);
    },

    /** Open and unexpired: the invitations that hold a seat against the plan's member limit. */
    async countPending(organizationId: string): Promise<number> {
      const result = (await open()
        .where({ organizationId })
        .where('expiresAt', '>', raw('now()'))
        .count('* as count')
        .first()) as unknown as { count: string } | undefined;
      return Number(result?.count ?? 0);
    },

    async findPendingByToken(tokenHash: Buffer): Promise<InvitationByToken | undefined> {
      return open()
        .findOne({ tokenHash })
        .where('expiresAt', '>', raw('now()'))
        .select(['id', 'organizationId', 'email', 'role', 'expiresAt']);
    },

    /**
     * Accepts the invitation once: one conditional UPDATE decides, so of two
     * concurrent acceptances exactly one gets the row. The caller adds the
     * membership in the same transaction.
     */
    async accept(tokenHash: Buffer, userId: string): Promise<AcceptedInvitation | undefined> {
      const rows = await open()
        .patch({ acceptedAt: raw('now()'), acceptedByUserId: userId })
        .where({ tokenHash })
        .where('expiresAt', '>', raw('now()'))
        .returning(['id', 'organizationId', 'email', 'role']);
      return (rows as unknown as AcceptedInvitation[])[0];
    },
  };
}

export type InvitationRepository = ReturnType<typeof createInvitationRepository>;
