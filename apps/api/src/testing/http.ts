import { randomBytes, randomUUID } from 'node:crypto';

import { createTRPCClient, httpBatchLink, httpLink, TRPCClientError } from '@trpc/client';

import type { AppRouter } from '../trpc/router.js';

export type ClientOptions = {
  token?: string | (() => string | undefined);
  headers?: Record<string, string>;
  batch?: boolean;
};

/** The typed tRPC client a TypeScript app would use, against the real HTTP server. */
export function apiClient(baseUrl: string, options: ClientOptions = {}) {
  const headers = () => {
    const token = typeof options.token === 'function' ? options.token() : options.token;
    return { ...options.headers, ...(token ? { authorization: `Bearer ${token}` } : {}) };
  };
  const link = options.batch
    ? httpBatchLink({ url: `${baseUrl}/trpc`, headers })
    : httpLink({ url: `${baseUrl}/trpc`, headers });
  return createTRPCClient<AppRouter>({ links: [link] });
}

export type ApiClient = ReturnType<typeof apiClient>;

/** The error a call failed with, for asserting on its code and data. */
export async function failureOf(call: Promise<unknown>): Promise<TRPCClientError<AppRouter>> {
  try {
    await call;
  } catch (error) {
    if (error instanceof TRPCClientError) return error as TRPCClientError<AppRouter>;
    throw error;
  }
  throw new Error('expected the call to fail');
}

/** A raw HTTP call, for what a typed client cannot send (forged headers, wrong content types). */
export async function rawCall(
  baseUrl: string,
  path: string,
  options: { method?: 'GET' | 'POST'; body?: unknown; headers?: Record<string, string> } = {},
) {
  const response = await fetch(`${baseUrl}/trpc/${path}`, {
    method: options.method ?? 'POST',
    headers: { 'content-type': 'application/json', ...options.headers },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    text,
    body: JSON.parse(text) as Record<string, unknown>,
  };
}

/** Signup input that is unique by construction and passes the password policy. */
export function buildSignup(overrides: Partial<{ email: string; password: string; displayName: string }> = {}) {
  return {
    email: `user-${randomUUID()}@example.test`,
    password: `Gw!${randomBytes(12).toString('base64url')}`,
    displayName: 'Test User',
    ...overrides,
  };
}

/** A login's tokens, for users without two-factor; fails the test on an MFA challenge. */
export function tokensOf<TResult extends object>(result: TResult): Exclude<TResult, { mfaRequired: true }> {
  if ('mfaRequired' in result) throw new Error('expected tokens, got an MFA challenge');
  return result as Exclude<TResult, { mfaRequired: true }>;
}
