import { errorDetails, isMfaChallenge } from '@groundwork/client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';

import { tokenStore, useTRPC } from './api';

export function SignIn({ initialMode = 'signup' }: { initialMode?: 'signup' | 'login' }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [mode, setMode] = useState<'signup' | 'login' | 'forgot'>(initialMode);
  // Set when login answered an MFA challenge: the next submit sends the authenticator's code.
  const [challenge, setChallenge] = useState<string | null>(null);
  const onSignedIn = async (accessToken: string) => {
    await tokenStore.set({ accessToken });
    await queryClient.invalidateQueries(trpc.auth.me.queryFilter());
  };
  const signup = useMutation(
    trpc.auth.signup.mutationOptions({ onSuccess: ({ tokens }) => onSignedIn(tokens.accessToken) }),
  );
  const login = useMutation(
    trpc.auth.login.mutationOptions({
      onSuccess: (result) => (isMfaChallenge(result) ? setChallenge(result.challenge) : onSignedIn(result.accessToken)),
    }),
  );
  const completeMfa = useMutation(
    trpc.auth.completeMfa.mutationOptions({ onSuccess: (tokens) => onSignedIn(tokens.accessToken) }),
  );
  const requestReset = useMutation(trpc.auth.requestPasswordReset.mutationOptions());
  const failure = errorDetails(signup.error ?? login.error ?? completeMfa.error ?? requestReset.error);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const field = (name: string) => {
      const value = form.get(name);
      return typeof value === 'string' ? value : '';
    };
    if (challenge) {
      completeMfa.mutate({ challenge, code: field('code') });
      return;
    }
    const email = field('email');
    if (mode === 'forgot') {
      requestReset.mutate({ email });
      return;
    }
    const password = field('password');
    if (mode === 'signup') signup.mutate({ email, password, displayName: field('displayName') });
    else login.mutate({ email, password });
  }

  if (mode === 'forgot') {
    return (
      <form onSubmit={submit}>
        <h1>Reset your password</h1>
        <label>
          Email <input name="email" type="email" required autoComplete="email" />
        </label>
        {requestReset.isSuccess && (
          <p role="status">If an account uses this address, a link to choose a new password is on its way.</p>
        )}
        {failure && (
          <p className="error" role="alert">
            {failure.message}
          </p>
        )}
        <button type="submit" disabled={requestReset.isPending}>
          Send the link
        </button>
        <button type="button" onClick={() => setMode('login')}>
          Back to sign in
        </button>
      </form>
    );
  }

  return (
    <form onSubmit={submit}>
      <h1>{mode === 'signup' ? 'Create an account' : 'Sign in'}</h1>
      {mode === 'signup' && (
        <label>
          Name <input name="displayName" required autoComplete="name" />
        </label>
      )}
      <label>
        Email <input name="email" type="email" required autoComplete="email" />
      </label>
      <label>
        Password{' '}
        <input
          name="password"
          type="password"
          required
          minLength={8}
          autoComplete={mode === 'signup' ? 'new-password' : 'current-password'}
        />
      </label>
      {challenge && (
        <label>
          Code from your authenticator app (or a recovery code){' '}
          <input name="code" required autoComplete="one-time-code" />
        </label>
      )}
      {failure && (
        <p className="error" role="alert">
          {failure.code === 'BAD_REQUEST'
            ? Object.entries(failure.fieldErrors)
                .map(([field, errors]) => `${field}: ${errors?.join(', ') ?? ''}`)
                .join('; ') || failure.message
            : failure.code === 'TOO_MANY_REQUESTS'
              ? `Too many attempts; try again in ${Math.ceil(failure.retryAfterMs / 1000)} s`
              : failure.message}
        </p>
      )}
      <button type="submit" disabled={signup.isPending || login.isPending}>
        {mode === 'signup' ? 'Sign up' : 'Sign in'}
      </button>
      <button type="button" onClick={() => setMode(mode === 'signup' ? 'login' : 'signup')}>
        {mode === 'signup' ? 'I have an account' : 'Create an account instead'}
      </button>
      {mode === 'login' && (
        <button type="button" onClick={() => setMode('forgot')}>
          Forgot your password?
        </button>
      )}
    </form>
  );
}
