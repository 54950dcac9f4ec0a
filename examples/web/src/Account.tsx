import { errorDetails, isEmailNotVerified, isStepUpRequired, type RouterOutputs } from '@groundwork/client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';

import { apiClient, tokenStore, useTRPC } from './api';

type Me = RouterOutputs['auth']['me'];

const day = (iso: string) => new Date(iso).toISOString().slice(0, 10);

/** Back from Checkout (/billing/success?session_id=…): sync now rather than wait for the webhook. */
function useCheckoutReturn(organizationId: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const sync = useMutation(
    trpc.billing.syncCheckout.mutationOptions({ onSuccess: () => queryClient.invalidateQueries() }),
  );
  const started = useRef(false);
  useEffect(() => {
    const sessionId = new URLSearchParams(window.location.search).get('session_id');
    if (started.current || window.location.pathname !== '/billing/success' || !sessionId) return;
    started.current = true;
    window.history.replaceState(null, '', '/billing');
    sync.mutate({ organizationId, sessionId });
  }, [organizationId, sync]);
}

function Plan({ organizationId }: { organizationId: string }) {
  const trpc = useTRPC();
  const subscription = useQuery(trpc.billing.subscription.queryOptions({ organizationId }));
  const portal = useMutation(
    trpc.billing.createPortalSession.mutationOptions({ onSuccess: ({ url }) => window.location.assign(url) }),
  );
  if (!subscription.data) return <section>Loading the plan…</section>;
  const { plan, reason, validUntil } = subscription.data;
  return (
    <section>
      <h2>Plan</h2>
      <p data-testid="plan">
        {plan === 'free' ? 'Free' : plan === 'pro' ? 'Pro' : 'Business'}
        {reason === 'canceling' && validUntil ? ` · ends on ${day(validUntil)}` : ` · ${reason.replaceAll('_', ' ')}`}
      </p>
      {plan !== 'free' && (
        <button onClick={() => portal.mutate({ organizationId })} disabled={portal.isPending}>
          Manage billing
        </button>
      )}
    </section>
  );
}

/** The plan-gated call: a 402 becomes the call to action. */
function Usage({ organizationId }: { organizationId: string }) {
  const trpc = useTRPC();
  const dashboard = useQuery(trpc.analytics.dashboard.queryOptions({ organizationId }));
  const checkout = useMutation(
    trpc.billing.createCheckoutSession.mutationOptions({
      onSuccess: ({ url }) => {
        if (url) window.location.assign(url);
      },
    }),
  );
  const gate = errorDetails(dashboard.error);
  if (gate?.code === 'PAYMENT_REQUIRED') {
    return (
      <section className="upgrade">
        <h2>Usage</h2>
        <p>Usage analytics needs a paid plan (your organization is on {gate.plan}).</p>
        <button onClick={() => checkout.mutate({ organizationId, plan: 'pro' })} disabled={checkout.isPending}>
          Upgrade to Pro
        </button>
        {isEmailNotVerified(checkout.error) && (
          <p role="alert">Verify your e-mail address first: follow the link we sent you, then upgrade.</p>
        )}
      </section>
    );
  }
  if (dashboard.isError) return <section className="error">{dashboard.error.message}</section>;
  if (!dashboard.data) return <section>Loading usage…</section>;
  const { today } = dashboard.data;
  return (
    <section>
      <h2>Usage</h2>
      <p data-testid="usage">
        Today: {today.gatedCalls} of {today.limit} gated calls
      </p>
    </section>
  );
}

/** The address: verified or not (resend the link), and changing it, which needs a recent sign-in (step-up). */
function EmailAddress({ user }: { user: Me['user'] }) {
  const trpc = useTRPC();
  const resend = useMutation(trpc.auth.resendVerification.mutationOptions());
  const change = useMutation(trpc.auth.requestEmailChange.mutationOptions());
  const reauthenticate = useMutation(trpc.auth.reauthenticate.mutationOptions());
  const [newEmail, setNewEmail] = useState('');
  const stepUp = isStepUpRequired(change.error);
  const failure = errorDetails(reauthenticate.error ?? (stepUp ? null : change.error) ?? resend.error);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const password = new FormData(event.currentTarget).get('password');
    if (stepUp && typeof password === 'string') await reauthenticate.mutateAsync({ password });
    change.mutate({ newEmail });
  }

  return (
    <section>
      <h2>E-mail address</h2>
      <p data-testid="email">
        {user.email} · {user.emailVerifiedAt ? 'verified' : 'not verified yet'}
      </p>
      {!user.emailVerifiedAt && (
        <button onClick={() => resend.mutate()} disabled={resend.isPending}>
          Send a new verification link
        </button>
      )}
      {resend.isSuccess && <p role="status">A new link is on its way; earlier links no longer work.</p>}
      <form onSubmit={(event) => void submit(event)}>
        <label>
          New address{' '}
          <input type="email" required value={newEmail} onChange={(event) => setNewEmail(event.target.value)} />
        </label>
        {stepUp && (
          <label>
            Confirm with your password{' '}
            <input name="password" type="password" required autoComplete="current-password" />
          </label>
        )}
        <button type="submit" disabled={change.isPending || reauthenticate.isPending}>
          Change the address
        </button>
      </form>
      {change.isSuccess && <p role="status">Follow the link we sent to {newEmail} to finish.</p>}
      {failure && (
        <p className="error" role="alert">
          {failure.message}
        </p>
      )}
    </section>
  );
}

function Sessions() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const sessions = useQuery(trpc.auth.sessions.queryOptions());
  const signOutOthers = useMutation({
    mutationFn: async () => {
      const others = (sessions.data ?? []).filter((session) => !session.current);
      await Promise.all(others.map(({ sessionId }) => apiClient.auth.revokeSession.mutate({ sessionId })));
    },
    onSuccess: () => queryClient.invalidateQueries(trpc.auth.sessions.queryFilter()),
  });
  const signOut = useMutation(
    trpc.auth.logout.mutationOptions({
      onSuccess: async () => {
        await tokenStore.clear();
        await queryClient.resetQueries();
      },
    }),
  );
  return (
    <section>
      <h2>Sessions</h2>
      <ul>
        {sessions.data?.map((session) => (
          <li key={session.sessionId}>
            {session.userAgent ?? 'Unknown device'} · since {day(session.createdAt)}
            {session.current ? ' (this device)' : ''}
          </li>
        ))}
      </ul>
      <button onClick={() => signOutOthers.mutate()} disabled={signOutOthers.isPending}>
        Sign out other devices
      </button>
      <button onClick={() => signOut.mutate()}>Sign out</button>
    </section>
  );
}

export function Account({ me }: { me: Me }) {
  const organization = me.memberships[0]?.organization;
  useCheckoutReturn(organization?.id ?? '');
  if (!organization) return <p>No organization.</p>;
  return (
    <main>
      <h1>
        {me.user.displayName} · {organization.name}
      </h1>
      <EmailAddress user={me.user} />
      <Plan organizationId={organization.id} />
      <Usage organizationId={organization.id} />
      <Sessions />
    </main>
  );
}
