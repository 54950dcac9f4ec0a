import { generateSecretToken, hashSecretToken } from './secret-tokens.js';

export const REFRESH_TOKEN_PATTERN = /^gwr_[A-Za-z0-9_-]{43}$/;

export const generateRefreshToken = (): string => generateSecretToken('gwr_');

/** Only this hash is stored: a database leak does not hand out live sessions. */
export const hashRefreshToken = hashSecretToken;
