import type { Knex } from 'knex';
import { raw } from 'objection';

import { OutboundEmailModel, type OutboundEmailStatus } from './outbound-email.model.js';

export type NewOutboundEmail = { template: string; recipient: string; data: Record<string, unknown> };
export type ClaimedEmail = Pick<OutboundEmailModel, 'id' | 'template' | 'recipient' | 'data' | 'attempts'>;
export function createOutboundEmailRepository(db: Knex) {
  return {
    async insert(email: NewOutboundEmail): Promise<{ id: string }> {
      return OutboundEmailModel.query(db).insert(email).returning('id');
    },

    /**
     * Takes the message for one delivery attempt, or answers undefined when it
     * is delivered, dead-lettered, unknown, or being delivered by someone else
     * whose lease has not run out. One conditional UPDATE decides, so two
     * workers racing on a message (a job redelivered after a stall) never both
     * hand it to the SMTP server.
     */
    async claim(id: string, leaseMs: number): Promise<ClaimedEmail | undefined> {
      const rows = await OutboundEmailModel.query(db)
        .patch({ status: 'sending', sendingAt: raw('now()'), attempts: raw('attempts + 1') })
        .where({ id })
        .where((query) => {
          void query.where({ status: 'queued' }).orWhere((stale) => {
            void stale
              .where({ status: 'sending' })
              .where('sendingAt', '<', raw('now() - make_interval(secs => ?)', [leaseMs / 1000]));
          });
        })
        .returning(['id', 'template', 'recipient', 'data', 'attempts']);
      return (rows as unknown as ClaimedEmail[])[0];
    },

    /** Delivered: the data (which may hold a secret link) is erased, keeping the record. */
    async markSent(id: string, smtpResponse: string): Promise<void> {
      await OutboundEmailModel.query(db)
        .patch({
          status: 'sent',
          sentAt: raw('now()'),
          data: {},
          lastError: null,
          smtpResponse: smtpResponse.slice(0, 1000),
        })
        .where({ id, status: 'sending' });
    },

    /** A failed attempt that will be retried: the message waits again. */
    async release(id: string, error: string): Promise<void> {
      await OutboundEmailModel.query(db)
        .patch({ status: 'queued', lastError: error.slice(0, 1000) })
        .where({ id, status: 'sending' });
    },

    /** The dead-letter state: retries are exhausted or the message can never be sent. */
    async markFailed(id: string, error: string): Promise<void> {
      await OutboundEmailModel.query(db)
        .patch({ status: 'failed', lastError: error.slice(0, 1000) })
        .where({ id })
        .whereNot({ status: 'sent' });
    },

    /** Waiting since before `olderThan`: what the sweeper queues again after a lost enqueue. */
    async listWaitingIds(olderThan: Date, limit = 500): Promise<string[]> {
      const statuses: OutboundEmailStatus[] = ['queued'];
      const rows = await OutboundEmailModel.query(db)
        .whereIn('status', statuses)
        .where('createdAt', '<', olderThan)
        .orderBy('createdAt')
        .limit(limit)
        .select('id');
      return rows.map((row) => row.id);
    },
  };
}

export type OutboundEmailRepository = ReturnType<typeof createOutboundEmailRepository>;
