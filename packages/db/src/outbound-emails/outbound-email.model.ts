import { Model } from 'objection';

export const OUTBOUND_EMAIL_STATUSES = ['queued', 'sending', 'sent', 'failed'] as const;
export type OutboundEmailStatus = (typeof OUTBOUND_EMAIL_STATUSES)[number];

/** One message of the e-mail outbox (see the `outbound_emails` migration). */
export class OutboundEmailModel extends Model {
  static override tableName = 'outbound_emails';

  id!: string;
  template!: string;
  recipient!: string;
  data!: Record<string, unknown>;
  status!: OutboundEmailStatus;
  attempts!: number;
  lastError!: string | null;
  smtpResponse!: string | null;
  createdAt!: Date;
  sendingAt!: Date | null;
  sentAt!: Date | null;

  // jsonb arrives parsed from pg; Objection only needs to serialize it on insert.
  static override get jsonAttributes() {
    return ['data'];
  }
}
