import { startSmtpReceiver } from '../mail-receiver/index.js';
import { startInboxHttp } from './inbox-http.js';
import { createMailStore } from './mail-store.js';

export type { StoredMail } from './mail-store.js';

/** Larger messages are refused (552): the inbox keeps everything in memory. */
const MAX_MESSAGE_BYTES = 10 * 1024 * 1024;

/**
 * The dev inbox of `npm run dev`: an SMTP server the worker sends to and a web
 * page listing what it received, both on 127.0.0.1 only, messages in memory
 * (the newest `limit`). Port 0 picks free ports. See ADR 030.
 */
export async function startDevInbox(options: {
  smtpPort: number;
  httpPort: number;
  limit?: number;
  log?: (line: string) => void;
}) {
  const store = createMailStore({ limit: options.limit ?? 200 });
  const log = options.log ?? (() => undefined);
  const smtp = await startSmtpReceiver({
    port: options.smtpPort,
    maxMessageBytes: MAX_MESSAGE_BYTES,
    onMail: ({ mail }) => store.add(mail),
    // A client that drops its connection is no reason to stop the dev stack.
    log: (line) => log(`dev inbox SMTP: ${line}`),
  });
  const http = await startInboxHttp({ port: options.httpPort, store }).catch(async (error: unknown) => {
    await smtp.close();
    throw error;
  });
  return {
    smtpUrl: smtp.url,
    url: http.url,
    async stop() {
      await http.close();
      await smtp.close();
    },
  };
}

export type DevInbox = Awaited<ReturnType<typeof startDevInbox>>;
