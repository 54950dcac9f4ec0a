import { startInboxHttp } from './inbox-http.js';
import { startInboxSmtp } from './inbox-smtp.js';
import { createMailStore } from './mail-store.js';

export type { StoredMail } from './mail-store.js';

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
  const smtp = await startInboxSmtp({ port: options.smtpPort, store, log: options.log ?? (() => undefined) });
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
