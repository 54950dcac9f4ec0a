import { randomBytes } from 'node:crypto';

import type pg from 'pg';

import { requireData } from './trpc.js';

export type Plan = 'free' | 'pro' | 'business';

export type Organization = {
  index: number;
  organizationId: string;
  /** An access token of its owner, a member (lives 15 minutes; the suite takes at most 6). */
  token: string;
  checkoutSessionId: string;
  subscriptionId: string | null;
};

/** Runs `work` over `items` with at most `limit` at once. */
export async function inBatches<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await work(items[index] as T);
    }
  });
  await Promise.all(lanes);
  return results;
}

/**
 * Organizations as users make them, through the public API of both instances:
 * a signup (which creates the owner's organization), then a Checkout session
 * (which creates the Stripe customer). Checkout is completed later, in the
 * emulator, as the storm's first round. Between the two the owner follows the
 * e-mailed verification link (read from the outbox), as checkouts require.
 */
export async function createOrganizations(options: {
  count: number;
  apiUrls: string[];
  db: pg.Pool;
}): Promise<Organization[]> {
  const indexes = Array.from({ length: options.count }, (_, index) => index);
  return inBatches(indexes, 6, async (index) => {
    const url = options.apiUrls[index % options.apiUrls.length] ?? '';
    const signup = {
      email: `chaos-${index}-${randomBytes(4).toString('hex')}@chaos.test`,
      password: randomBytes(12).toString('hex'),
      displayName: `Chaos ${index}`,
    };
    const { tokens } = await requireData<{ tokens: { accessToken: string } }>(url, 'auth.signup', {
      input: signup,
      mutation: true,
    });
    const token = tokens.accessToken;
    await requireData(url, 'auth.verifyEmail', {
      input: { token: await verificationToken(options.db, signup.email) },
      mutation: true,
    });
    const me = await requireData<{ memberships: { organization: { id: string } }[] }>(url, 'auth.me', { token });
    const organizationId = me.memberships[0]?.organization.id ?? '';
    const checkout = await requireData<{ sessionId: string }>(url, 'billing.createCheckoutSession', {
      input: { organizationId, plan: index % 2 === 0 ? 'pro' : 'business' },
      token,
      mutation: true,
    });
    return { index, organizationId, token, checkoutSessionId: checkout.sessionId, subscriptionId: null };
  });
}

/** The `token=` of the newest verification link e-mailed to `email` (the outbox row signup recorded). */
async function verificationToken(db: pg.Pool, email: string): Promise<string> {
  const { rows } = await db.query<{ data: { verifyUrl?: string } }>(
    `select data from outbound_emails where recipient = $1 and template = 'email-verification'
     order by created_at desc limit 1`,
    [email],
  );
  const link = rows[0]?.data.verifyUrl;
  if (!link) throw new Error(`no verification e-mail to ${email}`);
  return new URL(link).searchParams.get('token') ?? '';
}
