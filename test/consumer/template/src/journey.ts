/**
 * What an app outside the monorepo does with the published client: sign up,
 * meet the plan gate (402), verify the address with the e-mailed link (read
 * from stdin, where the test writes it), subscribe through Checkout, and use
 * the gated call (200). Usage: node dist/journey.js <api url>
 */
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';

import { createApiClient, createMemoryTokenStore, errorDetails, type RouterOutputs } from '@groundwork/client';

const apiUrl = process.argv[2];
if (!apiUrl) throw new Error('usage: node dist/journey.js <api url>');

const tokenStore = createMemoryTokenStore();
const client = createApiClient({ url: apiUrl, tokenStore });

const { tokens, user } = await client.auth.signup.mutate({
  email: `consumer-${randomUUID()}@example.test`,
  password: `Consumer!${randomUUID()}`,
  displayName: 'Consumer App',
});
await tokenStore.set({
  accessToken: tokens.accessToken,
  ...(tokens.refreshToken ? { refreshToken: tokens.refreshToken } : {}),
});
// Dates arrive as JSON strings, and the types say so.
const createdAt: string = user.createdAt;
console.log(`signed up as ${user.email} (${createdAt})`);

const me: RouterOutputs['auth']['me'] = await client.auth.me.query();
const organizationId = me.memberships[0]?.organization.id;
if (!organizationId) throw new Error('no organization');

const refused = await client.analytics.dashboard.query({ organizationId }).then(
  () => null,
  (error: unknown) => errorDetails(error),
);
if (refused?.code !== 'PAYMENT_REQUIRED')
  throw new Error(`expected PAYMENT_REQUIRED, got ${refused?.code ?? 'success'}`);
console.log(
  `${refused.httpStatus} ${refused.code}: needs ${refused.requiredFeature}, on ${refused.plan} (${refused.reason})`,
);

// Checkouts need a verified address: the person opens the e-mailed link, whose page posts its token.
console.log('verification link?');
const lines = createInterface({ input: process.stdin });
const link = await new Promise<string>((resolve) => lines.once('line', resolve));
lines.close();
const verification = await client.auth.verifyEmail.mutate({ token: new URL(link).searchParams.get('token') ?? '' });
console.log(`verified: ${verification.email}`);

const checkout = await client.billing.createCheckoutSession.mutate({ organizationId, plan: 'pro' });
if (!checkout.url) throw new Error('no checkout url');
// What the person does on the Checkout page: press Pay (the test card is prefilled).
const paid = await fetch(`${checkout.url}/pay`, { method: 'POST', redirect: 'manual' });
console.log(`paid: ${paid.status} to ${paid.headers.get('location') ?? '?'}`);
const entitlements = await client.billing.syncCheckout.mutate({ organizationId, sessionId: checkout.sessionId });
console.log(`subscribed: ${entitlements.plan} (${entitlements.status})`);

const dashboard = await client.analytics.dashboard.query({ organizationId });
console.log(
  `200 analytics.dashboard: ${dashboard.plan}, ${dashboard.today.gatedCalls} of ${dashboard.today.limit} today`,
);
