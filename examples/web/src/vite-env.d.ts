/// <reference types="vite/client" />

// Declaration merging with Vite's own type needs an interface.
// eslint-disable-next-line @typescript-eslint/consistent-type-definitions
interface ImportMetaEnv {
  /** The API's base URL, e.g. http://localhost:3000 (vite.config.ts sets it from VITE_API_URL). */
  readonly VITE_API_URL: string;
}
