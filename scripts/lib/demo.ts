import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';

import { createApiClient, createMemoryTokenStore, isPaymentRequired } from '@groundwork/client';

import { tokenOf } from './outbox-links.js';

export type DemoOptions = {
  apiUrl: string;
  emulatorUrl: string;
  /** The verification link last e-mailed to the address (read from the outbox or an inbox). */
  verificationLink: (email: string) => Promise<string>;
  log: (line: string) => void;
  timeoutMs?: number;
};

/** Drives the local Stripe emulator (what a customer would do on Stripe's pages). */
export async function emulator(url: string, path: string, body: unknown) {
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`emulator ${path} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as { id: string };
}

/** Polls `check` until it holds (the worker reconciles asynchronously), or fails after the timeout. */
export async function until(what: string, check: () => Promise<boolean>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await delay(150);
  }
  throw new Error(`timed out waiting until ${what}`);
}

/**
 * The product's main job, end to end: sign up, hit the plan gate, check out
 * in the (emulated) Stripe, wait for the webhook to be reconciled, use the
 * gated feature, cancel, watch the gate close. Logs each step with its time.
 */
export async function runDemo(options: DemoOptions): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const client = createApiClient({ url: options.apiUrl, tokenStore: createMemoryTokenStore() });
  const tokenStore = createMemoryTokenStore();
  const authed = createApiClient({ url: options.apiUrl, tokenStore });
  const started = Date.now();
  const step = async <T>(label: string, work: () => Promise<T>): Promise<T> => {
    const at = Date.now();
    const result = await work();
    options.log(`✔ ${label} (${Date.now() - at} ms)`);
    return result;
  };
  const gateIsClosed = async (organizationId: string) => {
    try {
      await authed.analytics.dashboard.query({ organizationId });
      return false;
    } catch (error) {
      if (isPaymentRequired(error)) return true;
      throw error;
    }
  };

  const email = `demo-${randomBytes(4).toString('hex')}@example.test`;
  const { tokens } = await step(`signed up as ${email}`, () =>
    client.auth.signup.mutate({
      email,
      password: `Demo!${randomBytes(9).toString('base64url')}`,
      displayName: 'Demo User',
    }),
  );
  await tokenStore.set({
    accessToken: tokens.accessToken,
    ...(tokens.refreshToken ? { refreshToken: tokens.refreshToken } : {}),
  });
  const organizationId = (await authed.auth.me.query()).memberships[0]?.organization.id ?? '';
  // Checkouts need a verified address: follow the e-mailed link as the user would.
  await step('e-mail address verified through the e-mailed link', async () =>
    authed.auth.verifyEmail.mutate({ token: tokenOf(await options.verificationLink(email)) }),
  );

  await step('analytics.dashboard answers PAYMENT_REQUIRED on the free plan', async () => {
    if (!(await gateIsClosed(organizationId))) throw new Error('the gate was open without a subscription');
  });
  const checkout = await step('checkout session created for Pro', () =>
    authed.billing.createCheckoutSession.mutate({ organizationId, plan: 'pro' }),
  );
  const subscription = await step('checkout completed in the Stripe emulator', () =>
    emulator(options.emulatorUrl, `/_emulator/checkout/${checkout.sessionId}/complete`, {}),
  );
  await step('webhook received and reconciled by the worker', () =>
    until(
      'the subscription is active',
      async () => (await authed.billing.subscription.query({ organizationId })).plan === 'pro',
      timeoutMs,
    ),
  );
  const dashboard = await step('analytics.dashboard answers on the Pro plan', () =>
    authed.analytics.dashboard.query({ organizationId }),
  );
  options.log(`  today: ${dashboard.today.gatedCalls} gated call(s) of ${dashboard.today.limit}`);
  await step('subscription canceled in the Stripe emulator', () =>
    emulator(options.emulatorUrl, `/_emulator/subscriptions/${subscription.id}`, { status: 'canceled' }),
  );
  await step('the gate closed again', () => until('the gate is closed', () => gateIsClosed(organizationId), timeoutMs));
  options.log(`Done in ${Date.now() - started} ms.`);
}
