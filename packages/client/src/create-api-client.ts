import type { AppRouter } from '@groundwork/api/router';
import { createTRPCClient, httpBatchLink, httpLink, type TRPCLink, TRPCClientError } from '@trpc/client';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import { observable } from '@trpc/server/observable';

import { isUnauthorized } from './errors.js';
import type { TokenStore } from './token-store.js';

export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;

export type ApiClientOptions = {
  /** The API's base URL, e.g. `https://api.example.com` (the client adds `/trpc`). */
  url: string;
  tokenStore: TokenStore;
  /** Called once when a refresh fails (revoked, reused, expired): sign the user in again. */
  onSessionExpired?: () => void;
  /**
   * Browser cookie mode (the API's AUTH_REFRESH_COOKIE=true): `'include'` sends the
   * HttpOnly refresh cookie, and a call answered UNAUTHORIZED without an access
   * token (say, after a page reload) also tries one refresh through the cookie.
   */
  credentials?: 'include' | 'same-origin' | 'omit';
  /** Extra headers on every request (tracing, client version). */
  headers?: () => Record<string, string>;
  fetch?: typeof fetch;
};

const REFRESH_PATH = 'auth.refresh';

/**
 * The typed client for the Groundwork API. It attaches the access token, and
 * when a call answers UNAUTHORIZED it refreshes the session once for all
 * concurrent calls (single flight), then retries each failed call once.
 */
export function createApiClient(options: ApiClientOptions) {
  const trpcUrl = `${options.url.replace(/\/$/, '')}/trpc`;
  const fetchImpl: typeof fetch = (input, init) =>
    (options.fetch ?? fetch)(input, { ...init, ...(options.credentials ? { credentials: options.credentials } : {}) });

  // Refresh goes through its own client: no auth link, so it never recurses.
  const refreshClient = createTRPCClient<AppRouter>({ links: [httpLink({ url: trpcUrl, fetch: fetchImpl })] });
  let refreshing: Promise<boolean> | null = null;

  async function refreshOnce(): Promise<boolean> {
    refreshing ??= (async () => {
      try {
        const current = await options.tokenStore.get();
        const next = await refreshClient.auth.refresh.mutate(
          current?.refreshToken ? { refreshToken: current.refreshToken } : undefined,
        );
        await options.tokenStore.set({
          accessToken: next.accessToken,
          ...(next.refreshToken ? { refreshToken: next.refreshToken } : {}),
        });
        return true;
      } catch {
        await options.tokenStore.clear();
        options.onSessionExpired?.();
        return false;
      } finally {
        refreshing = null;
      }
    })();
    return refreshing;
  }

  const refreshAndRetry: TRPCLink<AppRouter> =
    () =>
    ({ op, next }) =>
      observable((observer) => {
        let subscription = next(op).subscribe({
          next: (value) => observer.next(value),
          complete: () => observer.complete(),
          error: (error) => {
            // In cookie mode a call without an access token (a reloaded page) may still have a session.
            const mayRefresh = Boolean(op.context.hadAccessToken) || options.credentials === 'include';
            if (op.path === REFRESH_PATH || !mayRefresh || !isUnauthorized(error)) {
              observer.error(error);
              return;
            }
            void refreshOnce().then((refreshed) => {
              if (!refreshed) {
                observer.error(error);
                return;
              }
              subscription = next(op).subscribe(observer);
            });
          },
        });
        return () => subscription.unsubscribe();
      });

  const markToken: TRPCLink<AppRouter> =
    () =>
    ({ op, next }) =>
      observable((observer) => {
        let inner: { unsubscribe: () => void } | undefined;
        void Promise.resolve(options.tokenStore.get()).then((tokens) => {
          op.context.hadAccessToken = Boolean(tokens?.accessToken);
          inner = next(op).subscribe(observer);
        });
        return () => inner?.unsubscribe();
      });

  return createTRPCClient<AppRouter>({
    links: [
      markToken,
      refreshAndRetry,
      httpBatchLink({
        url: trpcUrl,
        fetch: fetchImpl,
        maxItems: 10,
        async headers() {
          const tokens = await options.tokenStore.get();
          return {
            ...options.headers?.(),
            ...(tokens?.accessToken ? { authorization: `Bearer ${tokens.accessToken}` } : {}),
          };
        },
      }),
    ],
  });
}

export type ApiClient = ReturnType<typeof createApiClient>;
export { TRPCClientError };
