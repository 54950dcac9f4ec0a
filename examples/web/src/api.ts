import { type AppRouter, createApiClient, createMemoryTokenStore, errorDetails } from '@groundwork/client';
import { QueryClient } from '@tanstack/react-query';
import { createTRPCContext } from '@trpc/tanstack-react-query';

/**
 * The access token lives in memory only; the refresh token is the API's
 * HttpOnly __Host- cookie (AUTH_REFRESH_COOKIE=true), which scripts never see.
 * After a reload the first call is answered UNAUTHORIZED, and the client
 * refreshes once through the cookie for all concurrent calls, then retries.
 */
export const tokenStore = createMemoryTokenStore();

export const apiClient = createApiClient({
  url: import.meta.env.VITE_API_URL,
  tokenStore,
  credentials: 'include',
});

export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // The API's answers (402, 401, 429…) are decisions, not glitches: only retry the network.
      retry: (failures, error) => errorDetails(error) === null && failures < 2,
      refetchOnWindowFocus: false,
    },
  },
});

export const { TRPCProvider, useTRPC } = createTRPCContext<AppRouter>();
