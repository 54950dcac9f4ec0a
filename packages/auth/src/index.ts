export {
  ACCOUNT_LINK_PAGES,
  type AccountLinkPage,
  type AccountLinkSettings,
  buildAccountLink,
} from './account-links/link-settings.js';
export {
  type CompletePasswordResetInput,
  createPasswordResetLinks,
  type PasswordResetLinks,
} from './account-links/password-reset.js';
export { createPasswordResetRequests, type PasswordResetRequests } from './account-links/password-reset-request.js';
export { type Auth, type AuthOptions, type AuthSettings, createAuth } from './auth.js';
export { type AccountDeletionOutcome, type DeleteAccountInput } from './accounts/account-deletion.js';
export { type ChangePasswordInput } from './accounts/change-password.js';
export { type LoginInput, type MfaChallenge, type MfaMethod } from './accounts/login.js';
export { createRegistration, type Registration, type SignupInput, type WithinSignup } from './accounts/registration.js';
export { createPasswordHasher, type PasswordHasher } from './passwords/password-hasher.js';
export {
  assertAcceptablePassword,
  commonPasswordCount,
  MAX_PASSWORD_BYTES,
  MIN_PASSWORD_CHARACTERS,
  passwordProblem,
} from './passwords/password-policy.js';
export {
  type Clock,
  type LoginThrottle,
  type OrganizationDeletionJobs,
  type SecondFactorThrottle,
  type ThrottledAttempt,
  type TokensValidAfter,
} from './ports.js';
export { STEP_UP_REQUIRED } from './step-up/recent-authentications.js';
export { EMAIL_NOT_VERIFIED } from './account-links/verified-email-policy.js';
export { EMAIL_DELIVERY_DISABLED } from './account-links/email-delivery-requirement.js';
export { type ReauthenticateInput } from './step-up/reauthenticate.js';
export { type CompleteMfaInput } from './two-factor/complete-mfa.js';
export { type CompleteMfaWithPasskeyInput } from './passkeys/passkey-second-factor.js';
export { type RegisterPasskeyInput } from './passkeys/passkey-settings.js';
export { type PasskeyLoginInput, type PasskeyLoginOptions } from './passkeys/passkey-sign-in.js';
export {
  type PasskeyAssertionOptions,
  type PasskeyAssertionResponse,
  type PasskeyRegistrationOptions,
  type PasskeyRegistrationResponse,
  type PasskeySettings,
} from './passkeys/relying-party.js';
export { RECOVERY_CODE_COUNT } from './two-factor/recovery-codes.js';
export { type ConfirmTwoFactorInput, type DisableTwoFactorInput } from './two-factor/two-factor-settings.js';
export { type RevocationRead } from './sessions/session-authenticator.js';
export { type IssuedTokens, type RequestMeta, type Session } from './sessions/session.js';
export {
  ACCESS_TOKEN_TYPE,
  type AccessClaims,
  type AccessTokens,
  createAccessTokens,
  type SigningKeys,
} from './tokens/access-tokens.js';
export { generateRefreshToken, hashRefreshToken, REFRESH_TOKEN_PATTERN } from './tokens/refresh-tokens.js';
