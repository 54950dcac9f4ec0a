import { Model } from 'objection';

export const ROLES = ['owner', 'admin', 'member'] as const;
export type Role = (typeof ROLES)[number];

export class OrganizationModel extends Model {
  static override tableName = 'organizations';

  id!: string;
  name!: string;
  personal!: boolean;
  stripeCustomerId!: string | null;
  /** The ticket of the Stripe read that last wrote this organization's subscriptions (bigint, as text). */
  stripeSyncedTicket!: string | null;
  createdAt!: Date;
  updatedAt!: Date;
}

export class MembershipModel extends Model {
  static override tableName = 'memberships';
  static override idColumn = ['organizationId', 'userId'];

  organizationId!: string;
  userId!: string;
  role!: Role;
  createdAt!: Date;
}
