import type { Knex } from 'knex';
import { raw } from 'objection';

import { AccountTokenModel } from '../account-tokens/account-token.model.js';
import { MembershipModel, type Role } from '../organizations/organization.model.js';
import { OutboundEmailModel } from '../outbound-emails/outbound-email.model.js';
import { PasskeyModel } from '../passkeys/passkey.model.js';
import { PasswordResetRequestModel } from '../password-reset-requests/password-reset-request.model.js';
import { RefreshTokenModel } from '../refresh-tokens/refresh-token.model.js';
import { UserModel } from '../users/user.model.js';

/** One organization of a user who is leaving, with what decides its fate. */
export type MembershipForDeletion = {
  organizationId: string;
  name: string;
  stripeCustomerId: string | null;
  role: Role;
  /** Owners, the user included. */
  owners: number;
  /** Members of any role, the user included. */
  members: number;
};

const MEMBERS_OF_ORGANIZATION =
  'select count(*) from memberships x where x.organization_id = memberships.organization_id';

/**
 * The statements that erase one person, in one place: a new table that holds
 * personal data gets its line here. Every method runs on the caller's
 * transaction (the unit of work's), so an erasure commits whole or not at all.
 */
export function createAccountErasureRepository(db: Knex) {
  return {
    /**
     * Locks the user's row until the transaction ends, so two deletions of
     * one account run one after the other; undefined when already deleted.
     */
    async lockLiveUser(userId: string): Promise<{ id: string; email: string } | undefined> {
      return UserModel.query(db).findById(userId).whereNull('deletedAt').forUpdate().select('id', 'email');
    },

    /**
     * The user's memberships with each organization's owner and member
     * counts. The organizations' rows (and the user's memberships) are locked
     * (FOR UPDATE), which also
     * holds off any new membership (its foreign-key check needs a share lock)
     * until the transaction ends: the counts cannot go stale before the
     * decision made on them commits.
     */
    async listMemberships(userId: string): Promise<MembershipForDeletion[]> {
      return MembershipModel.query(db)
        .join('organizations as o', 'o.id', 'memberships.organizationId')
        .where('memberships.userId', userId)
        .orderBy('o.createdAt')
        .forUpdate()
        .select(
          'memberships.organizationId',
          'o.name',
          'o.stripeCustomerId',
          'memberships.role',
          raw(`(${MEMBERS_OF_ORGANIZATION} and x.role = 'owner')::int as ??`, ['owners']),
          raw(`(${MEMBERS_OF_ORGANIZATION})::int as ??`, ['members']),
        )
        .castTo<MembershipForDeletion[]>();
    },

    async removeMemberships(userId: string): Promise<number> {
      return MembershipModel.query(db).delete().where({ userId });
    },

    /**
     * Deletes every refresh token of the user (they carry IP addresses and
     * user agents); returns the sessions (families) that had any, whose
     * access tokens the caller must still mark revoked.
     */
    async deleteSessions(userId: string): Promise<string[]> {
      const rows = await RefreshTokenModel.query(db)
        .delete()
        .where({ userId })
        .returning('familyId')
        .castTo<{ familyId: string }[]>();
      return [...new Set(rows.map((row) => row.familyId))];
    },

    /** The user's passkeys: a public key per device is personal data, and no sign-in may use them again. */
    async deletePasskeys(userId: string): Promise<number> {
      return PasskeyModel.query(db).delete().where({ userId });
    },

    /**
     * Deletes the user's links. Returns the addresses that pending e-mail
     * changes were sent to: addresses the account never had, whose messages
     * only this account caused.
     */
    async deleteAccountTokens(userId: string): Promise<string[]> {
      const rows = await AccountTokenModel.query(db)
        .delete()
        .where({ userId })
        .returning(['purpose', 'email'])
        .castTo<{ purpose: string; email: string }[]>();
      return [...new Set(rows.filter((row) => row.purpose === 'email_change').map((row) => row.email))];
    },

    /** The confirmation messages of a pending e-mail change (another account may hold the address by now). */
    async deleteEmailChangeLinksTo(email: string): Promise<number> {
      return OutboundEmailModel.query(db).delete().where({ recipient: email, template: 'email-change' });
    },

    /** Messages to the address, sent or not: a sent one still names its recipient. */
    async deleteEmailsTo(email: string): Promise<number> {
      return OutboundEmailModel.query(db).delete().where({ recipient: email });
    },

    /** Password-reset requests for the address the worker has not served yet: they hold it and an IP. */
    async deletePasswordResetRequestsFor(email: string): Promise<number> {
      return PasswordResetRequestModel.query(db).delete().where({ email });
    },

    /**
     * Leaves a tombstone: the id stays (audit events name it), the e-mail
     * becomes a placeholder that frees the address for a new signup, the
     * display name and the password go, and every token issued so far is void.
     */
    async anonymiseUser(userId: string): Promise<void> {
      await UserModel.query(db)
        .findById(userId)
        .patch({
          email: raw("'deleted-' || id || '@deleted.invalid'"),
          displayName: 'Deleted user',
          // Not a bcrypt hash: no password verifies against it.
          passwordHash: '!',
          emailVerifiedAt: null,
          tokensValidAfter: raw('now()'),
          deletedAt: raw('now()'),
        });
    },
  };
}

export type AccountErasureRepository = ReturnType<typeof createAccountErasureRepository>;
