import type { AuditEventRepository, AuditEventType } from '@groundwork/db';

import type { RequestMeta } from '../sessions/session.js';

export type AuditDetails = {
  userId?: string | null;
  organizationId?: string | null;
  metadata?: Record<string, string | number | boolean | null>;
};

/** Records what happened, by whom and from where, in the append-only audit log. */
export function auditTrail(audit: Pick<AuditEventRepository, 'insert'>) {
  return function record(type: AuditEventType, meta: RequestMeta, details: AuditDetails = {}): Promise<void> {
    return audit.insert({
      type,
      actorUserId: details.userId ?? null,
      organizationId: details.organizationId ?? null,
      ip: meta.ip,
      userAgent: meta.userAgent,
      requestId: meta.requestId,
      ...(details.metadata ? { metadata: details.metadata } : {}),
    });
  };
}

export type RecordAudit = ReturnType<typeof auditTrail>;
