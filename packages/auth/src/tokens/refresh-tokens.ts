import { createHash, randomBytes } from 'node:crypto';

/** A recognisable prefix lets secret scanners find leaked tokens; 32 random bytes = 256 bits. */
const PREFIX = 'gwr_';
export const REFRESH_TOKEN_PATTERN = /^gwr_[A-Za-z0-9_-]{43}$/;

export function generateRefreshToken(): string {
  return `${PREFIX}${randomBytes(32).toString('base64url')}`;
}

/** Only this hash is stored: a database leak does not hand out live sessions. */
export function hashRefreshToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}
