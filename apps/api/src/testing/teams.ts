import { renderEmail } from '@groundwork/email';
import type { Knex } from '@groundwork/db';

import { apiClient, buildSignup } from './http.js';

/** A new account through the real API, with its client and personal organization. */
export async function signedUp(baseUrl: string, overrides: Parameters<typeof buildSignup>[0] = {}) {
  const signup = buildSignup(overrides);
  const { user, tokens } = await apiClient(baseUrl).auth.signup.mutate(signup);
  const client = apiClient(baseUrl, { token: tokens.accessToken });
  const organizationId = (await client.auth.me.query()).memberships[0]?.organization.id ?? '';
  return { user, client, organizationId, password: signup.password };
}

export type SignedUp = Awaited<ReturnType<typeof signedUp>>;

/**
 * The newest invitation e-mail to `email`, rendered as it would be sent, and
 * the link's token read from its text (the `token=` query parameter).
 */
export async function invitationLinkTo(db: Knex, email: string): Promise<{ url: URL; token: string; text: string }> {
  const row: { data: unknown } | undefined = await db('outboundEmails')
    .where({ recipient: email, template: 'invitation' })
    .orderBy('createdAt', 'desc')
    .first('data');
  if (!row) throw new Error(`no invitation e-mail to ${email}`);
  const { text } = renderEmail('invitation', row.data);
  const link = /https?:\/\/\S+/.exec(text)?.[0];
  if (!link) throw new Error('the invitation e-mail carries no link');
  const url = new URL(link);
  return { url, token: url.searchParams.get('token') ?? '', text };
}
