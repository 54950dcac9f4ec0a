import type { Logger } from '@groundwork/core';
import type { OutboundEmailRepository } from '@groundwork/db';

import { isEmailTemplateName, renderEmail } from '../templates/catalogue.js';
import { type EmailTransport, isPermanentSmtpError } from './smtp-transport.js';

/** A message that can never be sent as stored: retrying is pointless; the worker dead-letters it at once. */
export class PermanentEmailError extends Error {
  override readonly name = 'PermanentEmailError';
}

export type EmailDeliveryDeps = {
  emails: Pick<OutboundEmailRepository, 'claim' | 'markSent' | 'release' | 'markFailed'>;
  transport: EmailTransport;
  /** The sender, as `Name <address@domain>` or a bare address. */
  from: string;
  /**
   * How long a claimed message stays with the worker that claimed it. Past
   * it, a retry may take it over: long enough for one SMTP exchange, short
   * enough that a killed worker's message goes out soon.
   */
  leaseMs: number;
  logger: Logger;
};

export type DeliveryOutcome = 'sent' | 'skipped';

function messageIdFor(id: string, from: string): string {
  const domain = /@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? 'localhost';
  return `<${id}@${domain}>`;
}

/**
 * Delivers one outbox message at most once per successful SMTP exchange: a
 * delivered message, or one another worker holds, is skipped. The window that
 * remains is a crash between the server's reply and recording it; the retry
 * then re-sends with the same Message-ID, so the receiving side can fold the
 * copies (an e-mail that never arrives is worse than a duplicate).
 */
export function createEmailDelivery(deps: EmailDeliveryDeps) {
  return async function deliver(id: string): Promise<DeliveryOutcome> {
    const message = await deps.emails.claim(id, deps.leaseMs);
    if (!message) return 'skipped';
    if (!isEmailTemplateName(message.template)) {
      await deps.emails.markFailed(id, `unknown template ${message.template}`);
      throw new PermanentEmailError(`Outbox message ${id} names an unknown template`);
    }
    let rendered;
    try {
      rendered = renderEmail(message.template, message.data);
    } catch (error) {
      await deps.emails.markFailed(id, 'stored data does not fit the template');
      throw new PermanentEmailError(`Outbox message ${id} has data its template refuses`, { cause: error });
    }
    try {
      const { response } = await deps.transport.send({
        from: deps.from,
        to: message.recipient,
        ...rendered,
        messageId: messageIdFor(id, deps.from),
      });
      await deps.emails.markSent(id, response);
      deps.logger.info({ emailId: id, template: message.template, attempt: message.attempts }, 'e-mail sent');
      return 'sent';
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (isPermanentSmtpError(error)) {
        await deps.emails.markFailed(id, reason);
        throw new PermanentEmailError(`The SMTP server refused outbox message ${id}`, { cause: error });
      }
      await deps.emails.release(id, reason);
      throw error;
    }
  };
}
