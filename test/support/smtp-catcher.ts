import type { ParsedMail } from 'mailparser';

import { createMailbox, startSmtpReceiver } from '../../scripts/lib/mail-receiver/index.js';

/** What the catcher answers to the next RCPT TO commands, in order; then it accepts. */
export type ScriptedReply = { code: number; message: string };

/**
 * A real SMTP server on a loopback port that keeps what it receives, so tests
 * read delivered mail the way a mailbox would, not from a mock transport.
 *
 * @param options.port a fixed port (to bring a "down" server back where clients expect it); any free one by default
 */
export async function startSmtpCatcher(options: { port?: number } = {}) {
  const mailbox = createMailbox<ParsedMail>();
  const scripted: ScriptedReply[] = [];
  const receiver = await startSmtpReceiver({
    port: options.port ?? 0,
    onRcptTo(_address, _session, callback) {
      const reply = scripted.shift();
      if (!reply) return callback();
      callback(Object.assign(new Error(reply.message), { responseCode: reply.code }));
    },
    onMail: ({ mail }) => mailbox.add(mail),
  });
  return {
    port: receiver.port,
    url: receiver.url,
    received: mailbox.mails,
    /**
     * Resolves with the first message to `address` received at or after index `from`
     * (`received.length` before the action that sends it) whose subject matches, already there or still to come.
     */
    mailTo(address: string, from = 0, subject = /./): Promise<ParsedMail> {
      return mailbox.waitFor(() =>
        mailbox.mails
          .slice(from)
          .find(
            (mail) =>
              JSON.stringify(mail.to).toLowerCase().includes(address.toLowerCase()) && subject.test(mail.subject ?? ''),
          ),
      );
    },
    /** The next RCPT TO gets this reply (a 4xx is transient, a 5xx permanent). */
    replyNext(reply: ScriptedReply) {
      scripted.push(reply);
    },
    close: receiver.close,
  };
}

export type SmtpCatcher = Awaited<ReturnType<typeof startSmtpCatcher>>;
