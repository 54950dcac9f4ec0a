export {
  type ApiClient,
  type ApiClientOptions,
  createApiClient,
  type RouterInputs,
  type RouterOutputs,
  TRPCClientError,
} from './create-api-client.js';
export { errorDetails, isPaymentRequired, isRateLimited, isUnauthorized } from './errors.js';
export { createMemoryTokenStore, type Tokens, type TokenStore } from './token-store.js';
