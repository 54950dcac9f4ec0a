export type { AppRouter } from '@groundwork/api/router';
export {
  type ApiClient,
  type ApiClientOptions,
  createApiClient,
  type RouterInputs,
  type RouterOutputs,
  TRPCClientError,
} from './create-api-client.js';
export { type ApiKeyClient, type ApiKeyClientOptions, createApiKeyClient } from './create-api-key-client.js';
export {
  type ApiErrorCode,
  type ApiErrorData,
  type ApiErrorShape,
  type DailyLimit,
  type EntitlementReason,
  errorDetails,
  type ErrorDetails,
  type Feature,
  type FlattenedZodError,
  isPaymentRequired,
  isRateLimited,
  isEmailDeliveryDisabled,
  isEmailNotVerified,
  isStepUpRequired,
  isUnauthorized,
  memberLimitReached,
  type PlanKey,
  type SubscriptionStatus,
} from './errors.js';
export { createMemoryTokenStore, type Tokens, type TokenStore } from './token-store.js';
export {
  isMfaChallenge,
  type LoginResult,
  type MfaChallenge,
  type MfaMethod,
  offersPasskey,
  type PasskeyMfaChallenge,
  type SignedIn,
} from './mfa.js';
