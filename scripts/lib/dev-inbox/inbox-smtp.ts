import { once } from 'node:events';
import type { AddressInfo } from 'node:net';

import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

import type { MailStore } from './mail-store.js';

/** Larger messages are refused (552): the inbox keeps everything in memory. */
const MAX_MESSAGE_BYTES = 10 * 1024 * 1024;

/**
 * The SMTP side of the dev inbox: accepts any sender, recipient and login on
 * loopback and keeps what it receives in the store. STARTTLS is not offered,
 * so the worker's nodemailer talks plain SMTP to it, as to a local relay.
 */
export async function startInboxSmtp(options: { port: number; store: MailStore; log: (line: string) => void }) {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    size: MAX_MESSAGE_BYTES,
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          if (stream.sizeExceeded) {
            callback(Object.assign(new Error('message too large for the dev inbox'), { responseCode: 552 }));
            return;
          }
          options.store.add(mail);
          callback();
        })
        .catch(callback);
    },
  });
  server.listen(options.port, '127.0.0.1');
  const listening = Promise.race([
    once(server.server, 'listening'),
    once(server, 'error').then(([error]) => Promise.reject(error as Error)),
  ]);
  await listening;
  // A client that drops its connection is no reason to stop the dev stack.
  server.on('error', (error) => options.log(`dev inbox SMTP: ${error.message}`));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
