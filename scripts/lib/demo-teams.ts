import { randomBytes } from 'node:crypto';

import { createApiClient, createMemoryTokenStore, errorDetails, isPaymentRequired } from '@groundwork/client';

import { emulator, until } from './demo.js';
import { tokenOf } from './outbox-links.js';

export type TeamsDemoOptions = {
  apiUrl: string;
  emulatorUrl: string;
  /** The invitation link last e-mailed to the address (read from the outbox or an inbox). */
  invitationLink: (email: string) => Promise<string>;
  /** The verification link last e-mailed to the address: the owner verifies before checkout and inviting. */
  verificationLink: (email: string) => Promise<string>;
  log: (line: string) => void;
  timeoutMs?: number;
};

const newPassword = () => `Demo!${randomBytes(9).toString('base64url')}`;

/**
 * The teams story, end to end: an owner on Pro invites a colleague, who joins
 * by signing up through the e-mailed link and uses the plan-gated feature;
 * the owner removes them and their very next call is refused.
 */
export async function runTeamsDemo(options: TeamsDemoOptions): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const started = Date.now();
  const step = async <T>(label: string, work: () => Promise<T>): Promise<T> => {
    const at = Date.now();
    const result = await work();
    options.log(`✔ ${label} (${Date.now() - at} ms)`);
    return result;
  };
  const anonymous = createApiClient({ url: options.apiUrl, tokenStore: createMemoryTokenStore() });
  const ownerTokens = createMemoryTokenStore();
  const owner = createApiClient({ url: options.apiUrl, tokenStore: ownerTokens });
  const memberTokens = createMemoryTokenStore();
  const member = createApiClient({ url: options.apiUrl, tokenStore: memberTokens });

  const ownerEmail = `owner-${randomBytes(4).toString('hex')}@example.test`;
  const signup = await step(`owner signed up as ${ownerEmail}`, () =>
    anonymous.auth.signup.mutate({ email: ownerEmail, password: newPassword(), displayName: 'Demo Owner' }),
  );
  await ownerTokens.set({ accessToken: signup.tokens.accessToken });
  const organizationId = (await owner.auth.me.query()).memberships[0]?.organization.id ?? '';
  await owner.auth.verifyEmail.mutate({ token: tokenOf(await options.verificationLink(ownerEmail)) });
  const checkout = await owner.billing.createCheckoutSession.mutate({ organizationId, plan: 'pro' });
  await emulator(options.emulatorUrl, `/_emulator/checkout/${checkout.sessionId}/complete`, {});
  await step('organization on Pro (checkout completed, webhook reconciled)', () =>
    until(
      'the subscription is active',
      async () => (await owner.billing.subscription.query({ organizationId })).plan === 'pro',
      timeoutMs,
    ),
  );

  const colleagueEmail = `colleague-${randomBytes(4).toString('hex')}@example.test`;
  await step(`invited ${colleagueEmail} as member`, () =>
    owner.organizations.invite.mutate({ organizationId, email: colleagueEmail, role: 'member' }),
  );
  const link = new URL(await options.invitationLink(colleagueEmail));
  const joined = await step('colleague signed up through the e-mailed link and joined', () =>
    anonymous.organizations.acceptInvitationWithSignup.mutate({
      token: link.searchParams.get('token') ?? '',
      password: newPassword(),
      displayName: 'Demo Colleague',
    }),
  );
  await memberTokens.set({ accessToken: joined.tokens.accessToken });
  await step('colleague uses analytics.dashboard (Pro feature of the organization)', () =>
    member.analytics.dashboard.query({ organizationId }),
  );
  await step('owner removed the colleague', () =>
    owner.organizations.removeMember.mutate({ organizationId, userId: joined.user.id }),
  );
  await step('the colleague’s very next call is refused', async () => {
    try {
      await member.analytics.dashboard.query({ organizationId });
    } catch (error) {
      const details = errorDetails(error);
      if (isPaymentRequired(error) || !details) throw error;
      options.log(`  ${details.httpStatus} ${details.code}: ${details.message}`);
      return;
    }
    throw new Error('a removed member was still served');
  });
  options.log(`Done in ${Date.now() - started} ms.`);
}
