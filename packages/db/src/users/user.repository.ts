import { AppError } from '@groundwork/core';
import type { Knex } from 'knex';
import { raw, UniqueViolationError } from 'objection';

import { MembershipModel, OrganizationModel } from '../organizations/organization.model.js';
import { UserModel } from './user.model.js';

/** What leaves the repository about a user: never the password hash. */
const PUBLIC_USER_COLUMNS = ['id', 'email', 'displayName', 'emailVerifiedAt', 'createdAt'];
export type PublicUser = Pick<UserModel, 'id' | 'email' | 'displayName' | 'emailVerifiedAt' | 'createdAt'>;
export type UserCredentials = Pick<UserModel, 'id' | 'passwordHash'>;

export function createUserRepository(db: Knex) {
  return {
    /**
     * Creates the user, their personal organization and their owner membership:
     * three inserts, so call it on a unit of work's transaction (signup does).
     *
     * @throws AppError CONFLICT when the e-mail (case-insensitive) is taken
     */
    async insertWithPersonalOrganization(input: {
      email: string;
      passwordHash: string;
      displayName: string;
      organizationName: string;
    }): Promise<{ user: PublicUser; organizationId: string }> {
      try {
        const user = await UserModel.query(db)
          .insert({ email: input.email, passwordHash: input.passwordHash, displayName: input.displayName })
          .returning(PUBLIC_USER_COLUMNS);
        const organization = await OrganizationModel.query(db)
          .insert({ name: input.organizationName, personal: true })
          .returning('id');
        await MembershipModel.query(db).insert({ organizationId: organization.id, userId: user.id, role: 'owner' });
        return { user, organizationId: organization.id };
      } catch (error) {
        if (error instanceof UniqueViolationError) {
          throw new AppError('CONFLICT', 'An account with this e-mail address already exists', { cause: error });
        }
        throw error;
      }
    },

    async findCredentialsByEmail(email: string): Promise<UserCredentials | undefined> {
      return UserModel.query(db).findOne({ email }).select('id', 'passwordHash');
    },

    async findByEmail(email: string): Promise<PublicUser | undefined> {
      return UserModel.query(db).findOne({ email }).select(PUBLIC_USER_COLUMNS);
    },

    /**
     * Marks the address verified, only if it is still the user's address: a
     * link sent to an earlier address proves nothing about the current one.
     * Returns when the user's address was verified (now or before), or null if it is not.
     */
    async markEmailVerified(id: string, email: string): Promise<Date | null> {
      await UserModel.query(db)
        .findById(id)
        .where({ email })
        .whereNull('emailVerifiedAt')
        .patch({ emailVerifiedAt: raw('now()') });
      const row = await UserModel.query(db).findById(id).where({ email }).select('emailVerifiedAt');
      return row?.emailVerifiedAt ?? null;
    },

    /**
     * Moves the account to an address its owner has just proven (the link sent
     * there), verified. Returns the previous address, or undefined when the user
     * is gone; CONFLICT when another account holds the address by now.
     */
    async changeEmail(id: string, email: string): Promise<{ previousEmail: string } | undefined> {
      const current = await UserModel.query(db).findById(id).select('email').forUpdate();
      if (!current) return undefined;
      try {
        await UserModel.query(db)
          .findById(id)
          .patch({ email, emailVerifiedAt: raw('now()') });
      } catch (error) {
        if (error instanceof UniqueViolationError) {
          throw new AppError('CONFLICT', 'Another account uses this e-mail address', { cause: error });
        }
        throw error;
      }
      return { previousEmail: current.email };
    },

    async findCredentialsById(id: string): Promise<UserCredentials | undefined> {
      return UserModel.query(db).findById(id).select('id', 'passwordHash');
    },

    async findById(id: string): Promise<PublicUser | undefined> {
      return UserModel.query(db).findById(id).select(PUBLIC_USER_COLUMNS);
    },

    /**
     * Replaces the hash only if it is still `previousHash`: a rehash after login
     * must never overwrite a password that was changed in the meantime.
     */
    async upgradePasswordHash(id: string, previousHash: string, passwordHash: string): Promise<void> {
      await UserModel.query(db).findById(id).where({ passwordHash: previousHash }).patch({ passwordHash });
    },

    /** Sets a new hash and voids every token issued before now, in one statement. */
    async changePassword(id: string, passwordHash: string): Promise<void> {
      await UserModel.query(db)
        .findById(id)
        .patch({ passwordHash, tokensValidAfter: raw('now()') });
    },

    /** When the user last voided their tokens (logout-all, password change); undefined for no such user. */
    async findTokensValidAfter(id: string): Promise<Date | undefined> {
      const row = await UserModel.query(db).findById(id).select('tokensValidAfter');
      return row?.tokensValidAfter;
    },

    async voidTokensIssuedBeforeNow(id: string): Promise<void> {
      await UserModel.query(db)
        .findById(id)
        .patch({ tokensValidAfter: raw('now()') });
    },
  };
}

export type UserRepository = ReturnType<typeof createUserRepository>;
