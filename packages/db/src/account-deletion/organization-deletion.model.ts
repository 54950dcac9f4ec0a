import { Model } from 'objection';

/** An organization whose deletion was asked for, until the worker completes it (see the migration). */
export class OrganizationDeletionModel extends Model {
  static override tableName = 'organization_deletions';

  id!: string;
  organizationId!: string;
  stripeCustomerId!: string | null;
  requestedByUserId!: string;
  attempts!: number;
  lastError!: string | null;
  createdAt!: Date;
  completedAt!: Date | null;
}
