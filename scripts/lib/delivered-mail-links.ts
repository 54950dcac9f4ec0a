import { ACCOUNT_LINK_PAGES } from '@groundwork/auth';

/**
 * The links of e-mail the stack really delivered, read from a mail catcher's
 * inbox (`MAIL_INBOX_URL`, see scripts/image/mail-catcher.ts) the way a user
 * reads them in their mailbox: the link in the message's text.
 *
 * @param inboxUrl the inbox; it holds the request until a message to the address arrives
 */
export function deliveredMailLinks(inboxUrl: string) {
  return {
    verificationLink: async (email: string): Promise<string> => {
      const response = await fetch(`${inboxUrl}/messages?to=${encodeURIComponent(email)}`);
      if (!response.ok) throw new Error(`no e-mail to ${email} was delivered (${inboxUrl}: ${response.status})`);
      const { text } = (await response.json()) as { text: string };
      const link = [...text.matchAll(/https?:\/\/\S+/g)]
        .map(([url]) => new URL(url))
        .find((url) => url.pathname.endsWith(`/${ACCOUNT_LINK_PAGES.verifyEmail}`) && url.searchParams.has('token'));
      if (!link) throw new Error(`the e-mail delivered to ${email} carries no verification link:\n${text}`);
      return link.toString();
    },
  };
}
