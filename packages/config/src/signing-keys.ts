import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';

import type { Problem } from './config-error.js';

/** The asymmetric keys, parsed once when the configuration loads (null/empty with HS256). */
export type ParsedSigningKeys = {
  privateKey: KeyObject | null;
  previousPublicKeys: ReadonlyMap<string, KeyObject>;
};

type KeySettings = {
  JWT_ALGORITHM: 'HS256' | 'RS256';
  JWT_PRIVATE_KEY?: string | undefined;
  JWT_PREVIOUS_PUBLIC_KEYS?: Record<string, string> | undefined;
};

function rsaPrivateKey(text: string): KeyObject | null {
  try {
    const key = createPrivateKey(text);
    return key.asymmetricKeyType === 'rsa' ? key : null;
  } catch {
    return null;
  }
}

function publicKey(text: string): KeyObject | null {
  try {
    return createPublicKey(text);
  } catch {
    return null;
  }
}

/**
 * Parses the PEM keys RS256 signing needs, once per process: the rules report
 * what does not parse, and the config hands the KeyObjects to the apps, which
 * never parse a key again. HS256 reads no key, so none is parsed.
 */
export function parseSigningKeys(env: KeySettings): { keys: ParsedSigningKeys; problems: Problem[] } {
  const none = { privateKey: null, previousPublicKeys: new Map<string, KeyObject>() };
  if (env.JWT_ALGORITHM !== 'RS256') return { keys: none, problems: [] };
  const problems: Problem[] = [];
  const privateKey = env.JWT_PRIVATE_KEY ? rsaPrivateKey(env.JWT_PRIVATE_KEY) : null;
  if (!env.JWT_PRIVATE_KEY) {
    problems.push({ variable: 'JWT_PRIVATE_KEY', problem: 'is required when JWT_ALGORITHM=RS256' });
  } else if (!privateKey) {
    problems.push({ variable: 'JWT_PRIVATE_KEY', problem: 'expected an RSA private key in PEM format' });
  }
  const previousPublicKeys = new Map<string, KeyObject>();
  for (const [kid, pem] of Object.entries(env.JWT_PREVIOUS_PUBLIC_KEYS ?? {})) {
    const key = publicKey(pem);
    if (key) previousPublicKeys.set(kid, key);
    else problems.push({ variable: 'JWT_PREVIOUS_PUBLIC_KEYS', problem: `key "${kid}" is not a PEM public key` });
  }
  return { keys: { privateKey, previousPublicKeys }, problems };
}
