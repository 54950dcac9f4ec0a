import { createHash, randomBytes } from 'node:crypto';

/** Invitation link secrets: `gwi_` + 256 random bits, base64url. */
const PREFIX = 'gwi_';
export const INVITATION_TOKEN_PATTERN = /^gwi_[A-Za-z0-9_-]{43}$/;

/** A fresh secret for an invitation link and the hash that is stored in its place. */
export function generateInvitationToken(): { token: string; tokenHash: Buffer } {
  const token = `${PREFIX}${randomBytes(32).toString('base64url')}`;
  return { token, tokenHash: hashInvitationToken(token) };
}

/** Only this hash is stored: a database leak hands out no working link. */
export function hashInvitationToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}
