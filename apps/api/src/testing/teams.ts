import { renderEmail } from '@groundwork/email';
import type { Knex } from '@groundwork/db';

import { type ApiClient, apiClient, buildSignup } from './http.js';

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

/** The token of the newest verification e-mail to `email`, read from its link's `token=` parameter. */
export async function verificationTokenFor(db: Knex, email: string): Promise<string> {
  const row: { data: { verifyUrl?: string } } | undefined = await db('outboundEmails')
    .where({ recipient: email, template: 'email-verification' })
    .orderBy('createdAt', 'desc')
    .first('data');
  const token = row?.data.verifyUrl ? new URL(row.data.verifyUrl).searchParams.get('token') : null;
  if (!token) throw new Error(`no verification e-mail to ${email}`);
  return token;
}

/**
 * Follows the account's verification link through the real flow (auth.verifyEmail), as a
 * user would before creating a checkout or inviting (the verified-address policy).
 */
export async function verified<Account extends SignedUp>(db: Knex, account: Account): Promise<Account> {
  await followVerificationLink(db, account.client, account.user.email);
  return account;
}

/** Posts the newest verification link's token for `email` to auth.verifyEmail, as the e-mailed page does. */
export async function followVerificationLink(db: Knex, client: ApiClient, email: string): Promise<void> {
  await client.auth.verifyEmail.mutate({ token: await verificationTokenFor(db, email) });
}

/** A new account that has already verified its address, see {@link verified}. */
export async function verifiedSignup(baseUrl: string, db: Knex, overrides: Parameters<typeof buildSignup>[0] = {}) {
  return verified(db, await signedUp(baseUrl, overrides));
}
