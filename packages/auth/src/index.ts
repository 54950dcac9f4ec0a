export { createPasswordHasher, type PasswordHasher } from './passwords/password-hasher.js';
export {
  assertAcceptablePassword,
  commonPasswordCount,
  MAX_PASSWORD_BYTES,
  MIN_PASSWORD_CHARACTERS,
  passwordProblem,
} from './passwords/password-policy.js';
export {
  ACCESS_TOKEN_TYPE,
  type AccessClaims,
  type AccessTokens,
  createAccessTokens,
  type SigningKeys,
} from './tokens/access-tokens.js';
export { generateRefreshToken, hashRefreshToken, REFRESH_TOKEN_PATTERN } from './tokens/refresh-tokens.js';
