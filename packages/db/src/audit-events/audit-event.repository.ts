import type { Knex } from 'knex';

import { AuditEventModel } from './audit-event.model.js';

export const AUDIT_EVENT_TYPES = [
  'signup',
  'login.succeeded',
  'login.failed',
  'login.rate_limited',
  'refresh.reuse_detected',
  'logout',
  'logout_all',
  'password.changed',
  'password.change_failed',
  'refresh.refused_in_grace',
  'billing.plan_changed',
  'session.revoked',
  'email.verification_sent',
  'email.verified',
  'email.change_requested',
  'email.changed',
  'password.reset_requested',
  'password.reset',
  'account.deleted',
  'account.delete_failed',
  'organization.deleted',
  'login.mfa_required',
  'login.mfa_failed',
  'two_factor.enrollment_started',
  'two_factor.enabled',
  'two_factor.disabled',
  'two_factor.failed',
  'two_factor.recovery_code_used',
  'reauthenticated',
  'reauthentication.failed',
  'organization.member_invited',
  'organization.invitation_resent',
  'organization.invitation_revoked',
  'organization.invitation_accepted',
  'organization.member_removed',
  'organization.member_left',
  'organization.role_changed',
  'organization.ownership_transferred',
  'api_key.created',
  'api_key.revoked',
  'api_key.rotated',
  'passkey.registered',
  'passkey.renamed',
  'passkey.removed',
  'passkey.failed',
] as const;
export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];

export type AuditEvent = {
  type: AuditEventType;
  actorUserId?: string | null;
  organizationId?: string | null;
  ip?: string | null;
  userAgent?: string | null;
  requestId?: string | null;
  metadata?: Record<string, string | number | boolean | null>;
};

export function createAuditEventRepository(db: Knex) {
  return {
    async insert(event: AuditEvent): Promise<void> {
      await AuditEventModel.query(db).insert({
        type: event.type,
        actorUserId: event.actorUserId ?? null,
        organizationId: event.organizationId ?? null,
        ip: event.ip?.slice(0, 64) ?? null,
        userAgent: event.userAgent?.slice(0, 512) ?? null,
        requestId: event.requestId?.slice(0, 128) ?? null,
        metadata: event.metadata ?? {},
      });
    },
  };
}

export type AuditEventRepository = ReturnType<typeof createAuditEventRepository>;
