import { createHmac, hkdfSync } from 'node:crypto';

/**
 * Sign-in options for an e-mail with no passkeys (or no account) list one
 * credential id derived from the address with a server key, the same on every
 * ask, so the answer never tells whether the address has an account. No
 * authenticator holds it, so the ceremony can only fail.
 */
export function createDecoyCredentials(secret: string) {
  const key = Buffer.from(hkdfSync('sha256', secret, 'groundwork', 'passkey-decoy-credentials-v1', 32));
  return (email: string): string[] => [
    createHmac('sha256', key).update(email.trim().toLowerCase(), 'utf8').digest('base64url'),
  ];
}

export type DecoyCredentials = ReturnType<typeof createDecoyCredentials>;
