import { Model } from 'objection';

import type { Role } from '../organizations/organization.model.js';

/** An invitation to join an organization, stored as the hash of its link's secret. */
export class InvitationModel extends Model {
  static override tableName = 'invitations';

  id!: string;
  organizationId!: string;
  email!: string;
  role!: Role;
  tokenHash!: Buffer;
  invitedByUserId!: string | null;
  createdAt!: Date;
  expiresAt!: Date;
  acceptedAt!: Date | null;
  acceptedByUserId!: string | null;
  revokedAt!: Date | null;
}
