import { once } from 'node:events';
import type { AddressInfo } from 'node:net';

import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** What the catcher answers to the next RCPT TO commands, in order; then it accepts. */
export type ScriptedReply = { code: number; message: string };

/**
 * A real SMTP server on a loopback port that keeps what it receives, so tests
 * read delivered mail the way a mailbox would, not from a mock transport.
 *
 * @param options.port a fixed port (to bring a "down" server back where clients expect it); any free one by default
 */
export async function startSmtpCatcher(options: { port?: number } = {}) {
  const received: ParsedMail[] = [];
  const scripted: ScriptedReply[] = [];
  // Re-checked after each delivered message: awaited instead of polling.
  const onReceived = new Set<() => void>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(_address, _session, callback) {
      const reply = scripted.shift();
      if (!reply) return callback();
      callback(Object.assign(new Error(reply.message), { responseCode: reply.code }));
    },
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          received.push(mail);
          callback();
          onReceived.forEach((check) => check());
        })
        .catch(callback);
    },
  });
  server.listen(options.port ?? 0, '127.0.0.1');
  await once(server.server, 'listening');
  const { port } = server.server.address() as AddressInfo;
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    received,
    /**
     * Resolves with the first message to `address` received at or after index `from`
     * (`received.length` before the action that sends it) whose subject matches, already there or still to come.
     */
    mailTo(address: string, from = 0, subject = /./): Promise<ParsedMail> {
      const find = () =>
        received
          .slice(from)
          .find(
            (mail) =>
              JSON.stringify(mail.to).toLowerCase().includes(address.toLowerCase()) && subject.test(mail.subject ?? ''),
          );
      return new Promise((resolve) => {
        const check = () => {
          const mail = find();
          if (!mail) return;
          onReceived.delete(check);
          resolve(mail);
        };
        onReceived.add(check);
        check();
      });
    },
    /** The next RCPT TO gets this reply (a 4xx is transient, a 5xx permanent). */
    replyNext(reply: ScriptedReply) {
      scripted.push(reply);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type SmtpCatcher = Awaited<ReturnType<typeof startSmtpCatcher>>;
