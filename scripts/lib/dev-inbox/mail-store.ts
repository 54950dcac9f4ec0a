import type { ParsedMail } from 'mailparser';

import { createMailbox } from '../mail-receiver/index.js';

/** One received message as the inbox shows it. */
export type StoredMail = {
  id: string;
  receivedAt: string;
  from: string;
  to: string;
  subject: string;
  text: string;
  /** The HTML part, or null for a text-only message. Never rendered into the inbox's own pages. */
  html: string | null;
  /** Every http(s) link of the text and HTML parts, in order, once each. */
  links: string[];
};

const URL_IN_TEXT = /https?:\/\/[^\s<>"']+/g;
const HREF = /href\s*=\s*(?:"([^"]*)"|'([^']*)')/gi;

function decodeEntities(value: string): string {
  return value
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

function linksOf(text: string, html: string | null): string[] {
  const found = [...text.matchAll(URL_IN_TEXT)].map((match) => match[0]);
  for (const match of html?.matchAll(HREF) ?? []) found.push(decodeEntities(match[1] ?? match[2] ?? ''));
  return [...new Set(found.filter((link) => /^https?:\/\//i.test(link)))];
}

const addresses = (field: ParsedMail['to']) =>
  (Array.isArray(field) ? field : field ? [field] : []).map((address) => address.text).join(', ');

/**
 * The inbox's messages, newest first, in memory only and at most `limit` of
 * them (see the mailbox).
 */
export function createMailStore(options: { limit: number }) {
  const mailbox = createMailbox<StoredMail>(options);
  let sequence = 0;
  return {
    add(mail: ParsedMail): StoredMail {
      sequence += 1;
      const text = mail.text ?? '';
      const html = typeof mail.html === 'string' ? mail.html : null;
      const stored: StoredMail = {
        id: String(sequence),
        receivedAt: new Date().toISOString(),
        from: mail.from?.text ?? '',
        to: addresses(mail.to),
        subject: mail.subject ?? '',
        text,
        html,
        links: linksOf(text, html),
      };
      mailbox.add(stored);
      return stored;
    },
    list: (): readonly StoredMail[] => mailbox.mails.toReversed(),
    find: (id: string): StoredMail | undefined => mailbox.mails.find((message) => message.id === id),
  };
}

export type MailStore = ReturnType<typeof createMailStore>;
