import type { RequestMeta } from '@groundwork/auth';
import type { AuditEventType, Repositories } from '@groundwork/db';

export type OrganizationAuditRecord = {
  actorUserId: string;
  organizationId: string;
  meta: RequestMeta;
  /** Ids and roles only: addresses and names stay out of the append-only log. */
  metadata: Record<string, string | number | boolean | null>;
};

/** Records a membership change in the audit log, in the caller's transaction. */
export function auditMembershipChange(
  repositories: Pick<Repositories, 'audit'>,
  type: AuditEventType,
  record: OrganizationAuditRecord,
): Promise<void> {
  return repositories.audit.insert({
    type,
    actorUserId: record.actorUserId,
    organizationId: record.organizationId,
    ip: record.meta.ip,
    userAgent: record.meta.userAgent,
    requestId: record.meta.requestId,
    metadata: record.metadata,
  });
}
