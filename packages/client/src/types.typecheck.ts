/**
 * Compile-time tests (checked by `npm run typecheck`): if a wrong call ever
 * compiled, the unused @ts-expect-error would fail the build.
 */
import {
  createApiClient,
  createMemoryTokenStore,
  isMfaChallenge,
  type RouterInputs,
  type RouterOutputs,
  type SignedIn,
} from './index.js';

const client = createApiClient({ url: 'http://localhost:3000', tokenStore: createMemoryTokenStore() });

export async function typeChecks() {
  // @ts-expect-error signup needs a password
  await client.auth.signup.mutate({ email: 'a@b.c', displayName: 'A' });
  // @ts-expect-error organizationId is a string, not a number
  await client.analytics.dashboard.query({ organizationId: 42 });
  // @ts-expect-error deleting the account needs the password
  await client.auth.deleteAccount.mutate({});
  // @ts-expect-error there is no such procedure
  void client.auth.deleteEverything;

  const me: RouterOutputs['auth']['me'] = await client.auth.me.query();
  const email: string = me.user.email;
  const checkout: RouterInputs['billing']['createCheckoutSession'] = { organizationId: 'x', plan: 'pro' };
  // @ts-expect-error only pro and business can be bought
  const free: RouterInputs['billing']['createCheckoutSession'] = { organizationId: 'x', plan: 'free' };
  return { email, checkout, free };
}

export async function mfaTypeChecks(code: string): Promise<SignedIn> {
  const result = await client.auth.login.mutate({ email: 'a@b.c', password: 'pw' });
  // @ts-expect-error a login result may be an MFA challenge: narrow it before reading tokens
  void result.accessToken;
  if (!isMfaChallenge(result)) return result;
  const challengeExpiresAt: string = result.challengeExpiresAt;
  void challengeExpiresAt;
  // @ts-expect-error completing a challenge needs the code
  await client.auth.completeMfa.mutate({ challenge: result.challenge });
  return client.auth.completeMfa.mutate({ challenge: result.challenge, code });
}
