import { AppError } from '@groundwork/core';
import type { Knex } from 'knex';
import { UniqueViolationError } from 'objection';

import { MembershipModel, OrganizationModel, type Role } from './organization.model.js';

export type OrganizationSummary = { id: string; name: string; personal: boolean; createdAt: Date };
export type MembershipOfUser = { organization: OrganizationSummary; role: Role };
export type Member = { userId: string; email: string; displayName: string; role: Role; joinedAt: Date };

export function createOrganizationRepository(db: Knex) {
  return {
    /** The caller's role in the organization, read fresh from the database; undefined if not a member. */
    async findRole(organizationId: string, userId: string): Promise<Role | undefined> {
      const membership = await MembershipModel.query(db).findById([organizationId, userId]).select('role');
      return membership?.role;
    },

    /**
     * Locks the organization's row until the caller's transaction ends, so
     * membership changes of one organization run one after another: two
     * concurrent demotions or leaves cannot both see a second owner. Returns
     * the organization, or undefined when it does not exist.
     */
    async lockForMembershipChange(organizationId: string): Promise<{ id: string; name: string } | undefined> {
      return OrganizationModel.query(db).findById(organizationId).forUpdate().select('id', 'name');
    },

    async countMembers(organizationId: string, role?: Role): Promise<number> {
      const query = MembershipModel.query(db).where({ organizationId });
      if (role) void query.where({ role });
      const result = (await query.count('* as count').first()) as unknown as { count: string } | undefined;
      return Number(result?.count ?? 0);
    },

    /** @throws AppError CONFLICT when the user is already a member */
    async addMember(organizationId: string, userId: string, role: Role): Promise<void> {
      try {
        await MembershipModel.query(db).insert({ organizationId, userId, role });
      } catch (error) {
        if (error instanceof UniqueViolationError) {
          throw new AppError('CONFLICT', 'Already a member of this organization', { cause: error });
        }
        throw error;
      }
    },

    /** Rows removed (0 or 1). */
    async removeMember(organizationId: string, userId: string): Promise<number> {
      return MembershipModel.query(db).deleteById([organizationId, userId]);
    },

    /** Rows changed (0 or 1). */
    async changeRole(organizationId: string, userId: string, role: Role): Promise<number> {
      return MembershipModel.query(db).findById([organizationId, userId]).patch({ role });
    },

    async listForUser(userId: string): Promise<MembershipOfUser[]> {
      const rows = (await MembershipModel.query(db)
        .join('organizations as o', 'o.id', 'memberships.organizationId')
        .where('memberships.userId', userId)
        .orderBy('o.createdAt')
        .select(
          'o.id',
          'o.name',
          'o.personal',
          'o.createdAt',
          'memberships.role',
        )) as unknown as (OrganizationSummary & {
        role: Role;
      })[];
      return rows.map(({ id, name, personal, createdAt, role }) => ({
        organization: { id, name, personal, createdAt },
        role,
      }));
    },

    /** The organization if `userId` is a member of it: tenant scoping is part of the query. */
    async findForMember(organizationId: string, userId: string): Promise<OrganizationSummary | undefined> {
      const row = await OrganizationModel.query(db)
        .join('memberships as m', 'm.organizationId', 'organizations.id')
        .where({ 'organizations.id': organizationId, 'm.userId': userId })
        .first()
        .select('organizations.id', 'organizations.name', 'organizations.personal', 'organizations.createdAt');
      return row ? { id: row.id, name: row.name, personal: row.personal, createdAt: row.createdAt } : undefined;
    },

    async rename(organizationId: string, name: string): Promise<void> {
      await OrganizationModel.query(db).findById(organizationId).patch({ name });
    },

    async findByStripeCustomerId(stripeCustomerId: string): Promise<{ id: string } | undefined> {
      return OrganizationModel.query(db).findOne({ stripeCustomerId }).select('id');
    },

    async findStripeCustomerId(organizationId: string): Promise<string | null> {
      const row = await OrganizationModel.query(db).findById(organizationId).select('stripeCustomerId');
      return row?.stripeCustomerId ?? null;
    },

    /**
     * Links a Stripe customer unless one is linked already; returns the customer id that is linked now.
     * The `where stripe_customer_id is null` makes it a conditional update: of two racing links, one wins.
     */
    async linkStripeCustomer(organizationId: string, stripeCustomerId: string): Promise<string | null> {
      await OrganizationModel.query(db)
        .findById(organizationId)
        .whereNull('stripeCustomerId')
        .patch({ stripeCustomerId });
      const row = await OrganizationModel.query(db).findById(organizationId).select('stripeCustomerId');
      return row?.stripeCustomerId ?? null;
    },

    async listIdsWithStripeCustomer(): Promise<{ id: string; stripeCustomerId: string }[]> {
      return (await OrganizationModel.query(db)
        .whereNotNull('stripeCustomerId')
        .orderBy('id')
        .select('id', 'stripeCustomerId')) as {
        id: string;
        stripeCustomerId: string;
      }[];
    },

    async listMembers(organizationId: string): Promise<Member[]> {
      const rows = (await MembershipModel.query(db)
        .join('users as u', 'u.id', 'memberships.userId')
        .where('memberships.organizationId', organizationId)
        .orderBy('memberships.createdAt')
        .select(
          'memberships.userId',
          'u.email',
          'u.displayName',
          'memberships.role',
          'memberships.createdAt as joinedAt',
        )) as unknown as Member[];
      return rows.map(({ userId, email, displayName, role, joinedAt }) => ({
        userId,
        email,
        displayName,
        role,
        joinedAt,
      }));
    },
  };
}

export type OrganizationRepository = ReturnType<typeof createOrganizationRepository>;
