import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { createMailbox, startSmtpReceiver } from '../lib/mail-receiver/index.js';

/** One message as the SMTP server received it: the envelope's recipients and the decoded text. */
export type DeliveredMail = { to: string[]; subject: string; text: string };

/**
 * The SMTP provider of a rehearsed stack: a real SMTP server the worker
 * delivers to as it would to any provider, and a small inbox over HTTP for the
 * journey, which runs in another process. `GET /messages?to=<address>` answers
 * the first message delivered to that address as JSON, waiting for it when it
 * has not arrived yet (404 after `waitMs`), so the reader never polls.
 *
 * @param options.smtpHost where the SMTP server listens (0.0.0.0 when containers must reach it)
 * @param options.waitMs how long a request for a message that has not arrived is held
 */
export async function startMailCatcher(options: { smtpHost: string; waitMs?: number }) {
  const waitMs = options.waitMs ?? 30_000;
  const mailbox = createMailbox<DeliveredMail>();
  const smtp = await startSmtpReceiver({
    host: options.smtpHost,
    onMail: ({ mail, envelopeTo }) =>
      mailbox.add({ to: envelopeTo, subject: mail.subject ?? '', text: mail.text ?? '' }),
  });

  const firstTo = (address: string) =>
    mailbox.waitFor(() => mailbox.mails.find((candidate) => candidate.to.includes(address)), waitMs);

  const inbox = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://inbox');
    const address = url.searchParams.get('to')?.toLowerCase();
    if (request.method !== 'GET' || url.pathname !== '/messages' || !address) {
      response.writeHead(404).end();
      return;
    }
    void firstTo(address).then((mail) => {
      response
        .writeHead(mail ? 200 : 404, { 'content-type': 'application/json' })
        .end(JSON.stringify(mail ?? { error: `no e-mail to ${address} within ${waitMs} ms` }));
    });
  });
  inbox.listen(0, '127.0.0.1');
  await once(inbox, 'listening');

  return {
    /** The port of the SMTP server. */
    smtpPort: smtp.port,
    /** The base URL of the inbox (`MAIL_INBOX_URL` for the demo). */
    inboxUrl: `http://127.0.0.1:${(inbox.address() as AddressInfo).port}`,
    delivered: mailbox.mails,
    async close() {
      inbox.closeAllConnections();
      await new Promise<void>((resolve) => inbox.close(() => resolve()));
      await smtp.close();
    },
  };
}

export type MailCatcher = Awaited<ReturnType<typeof startMailCatcher>>;
