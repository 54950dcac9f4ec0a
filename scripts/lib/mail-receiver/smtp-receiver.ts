import type { AddressInfo } from 'node:net';

import { type ParsedMail, simpleParser } from 'mailparser';
import { type SMTPServerOptions, SMTPServer } from 'smtp-server';

/** One message as received: the parsed mail and the envelope's recipients (lower-cased), which Bcc leaves out of the headers. */
export type ReceivedMail = { mail: ParsedMail; envelopeTo: string[] };

export type SmtpReceiverOptions = {
  /** Where to listen; 127.0.0.1 unless containers must reach it. */
  host?: string;
  /** A fixed port, or any free one (0, the default). */
  port?: number;
  /** Larger messages are refused with 552 (and advertised in EHLO); unlimited by default. */
  maxMessageBytes?: number;
  /** Called once per message accepted. */
  onMail: (received: ReceivedMail) => void;
  /** Decides each RCPT TO (accepts all by default): how tests script a provider's refusals. */
  onRcptTo?: SMTPServerOptions['onRcptTo'];
  /**
   * Where errors after start-up go (a client dropping its connection mid-message).
   * Without it they are not caught, so a test notices them.
   */
  log?: (line: string) => void;
};

/**
 * A real SMTP server that accepts any sender, recipient and login and hands
 * each parsed message to `onMail`: the receiving side of the dev inbox, the
 * image rehearsal's catcher and the tests' catcher. STARTTLS is not offered,
 * so nodemailer talks plain SMTP to it, as to a local relay.
 *
 * @returns once listening (rejects when the port cannot be had)
 */
export async function startSmtpReceiver(options: SmtpReceiverOptions) {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    ...(options.maxMessageBytes === undefined ? {} : { size: options.maxMessageBytes }),
    logger: false,
    ...(options.onRcptTo ? { onRcptTo: options.onRcptTo } : {}),
    onData(stream, session, callback) {
      const envelopeTo = session.envelope.rcptTo.map((recipient) => recipient.address.toLowerCase());
      simpleParser(stream)
        .then((mail) => {
          if (stream.sizeExceeded) {
            callback(Object.assign(new Error('message too large'), { responseCode: 552 }));
            return;
          }
          options.onMail({ mail, envelopeTo });
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { log } = options;
  if (log) server.on('error', (error) => log(error.message));
  const { port } = server.server.address() as AddressInfo;
  return {
    port,
    /** `smtp://127.0.0.1:<port>`: what a sender on this machine is given. */
    url: `smtp://127.0.0.1:${port}`,
    /** Waits for connected clients to leave, as SMTP's close does. */
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type SmtpReceiver = Awaited<ReturnType<typeof startSmtpReceiver>>;
