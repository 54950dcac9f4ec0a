import type { Knex } from '@groundwork/db';
import { renderEmail } from '@groundwork/email';

/**
 * The links last e-mailed to an address, read from the e-mail outbox (what a
 * user would click in their inbox). For the demos against the dev database.
 */
export function outboxLinks(db: Knex) {
  const newest = async (template: string, email: string): Promise<{ data: unknown } | undefined> =>
    db('outboundEmails').where({ recipient: email, template }).orderBy('createdAt', 'desc').first('data');
  return {
    invitationLink: async (email: string): Promise<string> => {
      const row = await newest('invitation', email);
      const link = row ? /https?:\/\/\S+/.exec(renderEmail('invitation', row.data).text)?.[0] : undefined;
      if (!link) throw new Error(`no invitation e-mail to ${email} in the outbox`);
      return link;
    },
    verificationLink: async (email: string): Promise<string> => {
      const row = (await newest('email-verification', email)) as { data: { verifyUrl?: string } } | undefined;
      if (!row?.data.verifyUrl) throw new Error(`no verification e-mail to ${email} in the outbox`);
      return row.data.verifyUrl;
    },
  };
}

/** The `token=` of an e-mailed account link, as the page it opens posts it back. */
export const tokenOf = (link: string) => new URL(link).searchParams.get('token') ?? '';
