import { Model } from 'objection';

/** An append-only record (a trigger refuses updates and deletes); no foreign keys, so it outlives what it names. */
export class AuditEventModel extends Model {
  static override tableName = 'auditEvents';
  static override jsonAttributes = ['metadata'];

  id!: string;
  type!: string;
  actorUserId!: string | null;
  organizationId!: string | null;
  ip!: string | null;
  userAgent!: string | null;
  requestId!: string | null;
  metadata!: Record<string, string | number | boolean | null>;
  createdAt!: Date;
}
