import type { AppRouter } from '@groundwork/api/router';
import { createTRPCClient, httpBatchLink } from '@trpc/client';

export type ApiKeyClientOptions = {
  /** The API's base URL, e.g. `https://api.example.com` (the client adds `/trpc`). */
  url: string;
  /** An organization API key (`gw_live_…` or `gw_test_…`). */
  apiKey: string;
  /** Extra headers on every request (tracing, client version). */
  headers?: () => Record<string, string>;
  fetch?: typeof fetch;
};

/**
 * The typed client for scripts holding an organization API key. Unlike
 * `createApiClient` it never refreshes: a key has no session, so UNAUTHORIZED
 * (revoked, expired, rotated past its grace) is final and reaches the caller.
 */
export function createApiKeyClient(options: ApiKeyClientOptions) {
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: `${options.url.replace(/\/$/, '')}/trpc`,
        maxItems: 10,
        ...(options.fetch ? { fetch: options.fetch } : {}),
        headers: () => ({ ...options.headers?.(), authorization: `Bearer ${options.apiKey}` }),
      }),
    ],
  });
}

export type ApiKeyClient = ReturnType<typeof createApiKeyClient>;
