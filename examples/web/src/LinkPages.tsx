import { errorDetails, type RouterOutputs } from '@groundwork/client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef } from 'react';

import { tokenStore, useTRPC } from './api';
import { goHome, type OpenedLink } from './opened-link';

type Me = RouterOutputs['auth']['me'] | undefined;

function Failure({ error }: { error: unknown }) {
  const failure = errorDetails(error);
  if (!error) return null;
  return (
    <p className="error" role="alert">
      {failure?.code === 'BAD_REQUEST' && Object.keys(failure.fieldErrors).length > 0
        ? Object.entries(failure.fieldErrors)
            .map(([field, errors]) => `${field}: ${errors?.join(', ') ?? ''}`)
            .join('; ')
        : (failure?.message ?? 'Could not reach the API')}
    </p>
  );
}

const formValue = (form: FormData, name: string) => {
  const value = form.get(name);
  return typeof value === 'string' ? value : '';
};

/** Runs a link's one-shot mutation once (StrictMode runs effects twice in development). */
function useOnce(run: () => void) {
  const started = useRef(false);
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    run();
  }, [run]);
}

function VerifyEmail({ token }: { token: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const verify = useMutation(
    trpc.auth.verifyEmail.mutationOptions({ onSuccess: () => queryClient.invalidateQueries() }),
  );
  useOnce(() => verify.mutate({ token }));
  return (
    <section>
      <h1>Verify your e-mail address</h1>
      {verify.isPending && <p>Checking the link…</p>}
      {verify.data && <p role="status">{verify.data.email} is verified.</p>}
      <Failure error={verify.error} />
      <button onClick={goHome}>Continue</button>
    </section>
  );
}

function ConfirmEmailChange({ token }: { token: string }) {
  const trpc = useTRPC();
  const confirm = useMutation(trpc.auth.confirmEmailChange.mutationOptions());
  useOnce(() => confirm.mutate({ token }));
  return (
    <section>
      <h1>Confirm your new e-mail address</h1>
      {confirm.isPending && <p>Checking the link…</p>}
      {confirm.data && <p role="status">Your account now uses {confirm.data.email}.</p>}
      <Failure error={confirm.error} />
      <button onClick={goHome}>Continue</button>
    </section>
  );
}

function ResetPassword({ token }: { token: string }) {
  const trpc = useTRPC();
  const reset = useMutation(trpc.auth.resetPassword.mutationOptions());
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    reset.mutate({ token, newPassword: formValue(new FormData(event.currentTarget), 'newPassword') });
  };
  if (reset.isSuccess) {
    return (
      <section>
        <h1>Choose a new password</h1>
        <p role="status">Your password is changed and every session has ended. Sign in with the new password.</p>
        <button onClick={goHome}>Sign in</button>
      </section>
    );
  }
  return (
    <form onSubmit={submit}>
      <h1>Choose a new password</h1>
      <label>
        New password <input name="newPassword" type="password" required minLength={8} autoComplete="new-password" />
      </label>
      <Failure error={reset.error} />
      <button type="submit" disabled={reset.isPending}>
        Set the password
      </button>
    </form>
  );
}

/** Signed in: join with this account. Not signed in: create the account the invitation names, or sign in first. */
function AcceptInvitation({ token, me }: { token: string; me: Me }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const joined = async () => {
    await queryClient.invalidateQueries();
    goHome();
  };
  const accept = useMutation(trpc.organizations.acceptInvitation.mutationOptions({ onSuccess: joined }));
  const signUp = useMutation(
    trpc.organizations.acceptInvitationWithSignup.mutationOptions({
      onSuccess: async ({ tokens }) => {
        await tokenStore.set({ accessToken: tokens.accessToken });
        await joined();
      },
    }),
  );
  if (me) {
    return (
      <section>
        <h1>Join the organization</h1>
        <p>You are signed in as {me.user.email}.</p>
        <Failure error={accept.error} />
        <button onClick={() => accept.mutate({ token })} disabled={accept.isPending}>
          Accept the invitation
        </button>
      </section>
    );
  }
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    signUp.mutate({ token, displayName: formValue(form, 'displayName'), password: formValue(form, 'password') });
  };
  return (
    <form onSubmit={submit}>
      <h1>Join the organization</h1>
      <p>Create your account for the invited address, or sign in first if you have one.</p>
      <label>
        Name <input name="displayName" required autoComplete="name" />
      </label>
      <label>
        Password <input name="password" type="password" required minLength={8} autoComplete="new-password" />
      </label>
      <Failure error={signUp.error} />
      <button type="submit" disabled={signUp.isPending}>
        Create my account and join
      </button>
    </form>
  );
}

/** The page an e-mailed link opens; `me` is the signed-in user, if any. */
export function LinkPage({ link, me }: { link: OpenedLink; me: Me }) {
  switch (link.page) {
    case 'verify-email':
      return <VerifyEmail token={link.token} />;
    case 'confirm-email-change':
      return <ConfirmEmailChange token={link.token} />;
    case 'reset-password':
      return <ResetPassword token={link.token} />;
    case 'accept-invitation':
      return <AcceptInvitation token={link.token} me={me} />;
  }
}
