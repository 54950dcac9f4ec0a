/** Where the client keeps the session's tokens. */
export type Tokens = { accessToken: string; refreshToken?: string };

/**
 * Storage for the tokens. In browsers prefer the API's cookie mode
 * (AUTH_REFRESH_COOKIE=true): the refresh token then never reaches scripts,
 * and only the short-lived access token needs storing (in memory, not
 * localStorage, where any injected script can read it).
 */
export type TokenStore = {
  get: () => Tokens | null | Promise<Tokens | null>;
  set: (tokens: Tokens) => void | Promise<void>;
  clear: () => void | Promise<void>;
};

/** Keeps tokens in this process's memory (servers, scripts, tests, and browsers in cookie mode). */
export function createMemoryTokenStore(initial: Tokens | null = null): TokenStore {
  let tokens = initial;
  return {
    get: () => tokens,
    set: (next) => {
      tokens = next;
    },
    clear: () => {
      tokens = null;
    },
  };
}
