import { createHash, randomBytes } from 'node:crypto';

/**
 * A bearer secret: a recognisable prefix (so secret scanners can find leaked
 * ones) and 32 random bytes (256 bits), base64url.
 */
export function generateSecretToken(prefix: string): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

/** Only this hash is stored: a database leak hands out no live secret. */
export function hashSecretToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}
