import type { StoredMail } from './dev-inbox/index.js';
import { until } from './demo.js';

/** Where `npm run dev` serves its inbox (DEV_INBOX_PORT, 1080 by default). */
export const devInboxUrl = (env: Record<string, string | undefined>) =>
  `http://127.0.0.1:${env.DEV_INBOX_PORT ?? '1080'}`;

type Page = 'verify-email' | 'accept-invitation' | 'reset-password';

/**
 * The account links mailed to an address, read from the dev inbox of
 * `npm run dev` (its `GET /api/messages`) the way a developer clicks them
 * there. Waits for the message: the worker sends it after the API answered.
 */
export function inboxLinks(inboxUrl: string, timeoutMs = 15_000) {
  async function newestLink(email: string, page: Page): Promise<string> {
    let found: string | undefined;
    const look = async () => {
      const response = await fetch(`${inboxUrl}/api/messages`);
      if (!response.ok) throw new Error(`the dev inbox at ${inboxUrl} answered ${response.status}`);
      const { messages } = (await response.json()) as { messages: StoredMail[] };
      found = messages
        .filter((message) => message.to.toLowerCase().includes(email.toLowerCase()))
        .flatMap((message) => message.links)
        .find((link) => new URL(link).pathname.endsWith(`/${page}`) && new URL(link).searchParams.has('token'));
      return found !== undefined;
    };
    await until(`a ${page} link to ${email} is in the dev inbox at ${inboxUrl}`, look, timeoutMs);
    return found ?? '';
  }
  return {
    verificationLink: (email: string) => newestLink(email, 'verify-email'),
    invitationLink: (email: string) => newestLink(email, 'accept-invitation'),
    resetLink: (email: string) => newestLink(email, 'reset-password'),
  };
}
