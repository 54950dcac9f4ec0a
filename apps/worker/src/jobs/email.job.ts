import type { Logger } from '@groundwork/core';
import type { OutboundEmailRepository } from '@groundwork/db';
import { type DeliveryOutcome, PermanentEmailError } from '@groundwork/email';
import type { EmailJob } from '@groundwork/queue';
import { type Job, UnrecoverableError } from 'bullmq';

export type EmailJobDeps = {
  /** Delivers one outbox message (claim, send, record); null when e-mail is off (EMAIL_DELIVERY=disabled). */
  deliver: ((emailId: string) => Promise<DeliveryOutcome>) | null;
  emails: Pick<OutboundEmailRepository, 'markFailed'>;
  logger: Logger;
};

const DISABLED = 'not sent: e-mail delivery is disabled (EMAIL_DELIVERY=disabled)';

/**
 * Delivers the message a job names. A retried job never sends twice: the
 * delivery claims the message first, so one already sent (or held by another
 * worker) is skipped. A message that can never go out (refused by the SMTP
 * server with a 5xx, unknown template) fails the job at once, without retries.
 */
export function createEmailHandler(deps: EmailJobDeps) {
  return async function handleEmail(payload: EmailJob) {
    const { deliver } = deps;
    if (!deliver) {
      await deps.emails.markFailed(payload.emailId, DISABLED);
      deps.logger.warn({ emailId: payload.emailId, reqId: payload.requestId }, DISABLED);
      return { emailId: payload.emailId, outcome: 'disabled' as const };
    }
    try {
      return { emailId: payload.emailId, outcome: await deliver(payload.emailId) };
    } catch (error) {
      if (!(error instanceof PermanentEmailError)) throw error;
      throw Object.assign(new UnrecoverableError(error.message), { cause: error });
    }
  };
}

/**
 * The final-failure hook of the emails queue (see `startWorkers`): after the
 * last attempt, or a permanent failure, or too many stalls, the message enters
 * the dead-letter state (`failed`, with the reason), is logged and counted.
 */
export function createEmailDeadLetter(deps: {
  emails: Pick<OutboundEmailRepository, 'markFailed'>;
  logger: Logger;
  onDeadLetter: () => void;
}) {
  return async function deadLetterEmail(job: Job, error: Error): Promise<void> {
    const { emailId, requestId } = job.data as { emailId?: unknown; requestId?: unknown };
    // A permanent failure was recorded by the delivery itself, with the server's own reply: keep it.
    if (error.name !== 'UnrecoverableError' && typeof emailId === 'string') {
      await deps.emails.markFailed(emailId, `${error.name}: ${error.message}`);
    }
    deps.onDeadLetter();
    deps.logger.error(
      { err: error, emailId, reqId: requestId, attemptsMade: job.attemptsMade },
      'e-mail moved to dead letter',
    );
  };
}

/**
 * Queues outbox messages recorded before `olderThan` and still waiting: their
 * dispatch after commit was lost (Redis down at that moment, a crash). A
 * message whose job is still waiting or retrying is left alone (job id =
 * message id), so sweeping often never duplicates work.
 */
export function createEmailOutboxSweep(deps: {
  emails: Pick<OutboundEmailRepository, 'listWaitingIds'>;
  requeue: (emailId: string) => Promise<void>;
}) {
  return async function sweepEmailOutbox(options: { graceMs: number; limit?: number }): Promise<number> {
    const ids = await deps.emails.listWaitingIds(new Date(Date.now() - options.graceMs), options.limit);
    for (const id of ids) await deps.requeue(id);
    return ids.length;
  };
}
