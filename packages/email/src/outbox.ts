import type { Logger } from '@groundwork/core';
import type { OutboundEmailRepository } from '@groundwork/db';

import { type EmailMessage, emailTemplates } from './templates/catalogue.js';

export type EmailOutboxDeps = {
  /** Queues the delivery job of a recorded message (its id is the job id, so a repeat is a no-op). */
  dispatch: (emailId: string) => Promise<void>;
  logger: Logger;
};

/**
 * How use cases send e-mail: `record` in the transaction of the change that
 * causes the message, `dispatch` after it commits. A message whose dispatch
 * fails waits in the outbox for the worker's sweeper; one whose transaction
 * rolls back never existed.
 */
export function createEmailOutbox(deps: EmailOutboxDeps) {
  return {
    /**
     * @param emails the outbox repository of the caller's transaction
     * @throws z.ZodError when the data does not fit the template (a programming error)
     */
    async record(emails: Pick<OutboundEmailRepository, 'insert'>, message: EmailMessage): Promise<string> {
      const data = emailTemplates[message.template].data.parse(message.data) as Record<string, unknown>;
      const { id } = await emails.insert({ template: message.template, recipient: message.to, data });
      return id;
    },

    /** Never throws: a failed enqueue is logged and left to the sweeper. */
    async dispatch(emailId: string): Promise<void> {
      try {
        await deps.dispatch(emailId);
      } catch (error) {
        deps.logger.warn({ err: error, emailId }, 'e-mail not queued; the outbox sweeper will queue it');
      }
    },
  };
}

export type EmailOutbox = ReturnType<typeof createEmailOutbox>;
