import { createPublicKey, createSecretKey, type JsonWebKey, type KeyObject, randomUUID } from 'node:crypto';

import jwt from 'jsonwebtoken';

/** The `typ` header of our access tokens (RFC 9068); any other JWT of ours uses another. */
export const ACCESS_TOKEN_TYPE = 'at+jwt';
const CLOCK_TOLERANCE_SECONDS = 5;
/** Headers that point the verifier at keys chosen by the token's author: never honoured. */
const FORBIDDEN_HEADERS = ['jku', 'x5u', 'jwk', 'x5c', 'crit'];
/** Verified tokens remembered per process by default: about one per recently active session. */
const DEFAULT_VERIFIED_CACHE_SIZE = 4_096;

export type SigningKeys =
  | { algorithm: 'HS256'; keyId: string; secret: string }
  | {
      algorithm: 'RS256';
      keyId: string;
      privateKey: KeyObject;
      /** Public keys still accepted (previous keys during a rotation), by key id; the current one is added. */
      previousPublicKeys: ReadonlyMap<string, KeyObject>;
    };

export type AccessClaims = { sub: string; sid: string; jti: string; iat: number; exp: number };

export type AccessTokens = {
  issue: (subject: { userId: string; sessionId: string }) => { token: string; expiresAt: Date };
  /** The verified claims, or null for anything that is not a valid, current access token of ours. */
  verify: (token: string) => AccessClaims | null;
  /** Public keys as a JWK set (asymmetric signing only). */
  jwks: () => { keys: JsonWebKey[] } | null;
};

/**
 * Key objects made once: handed a string, jsonwebtoken tries `createPublicKey`
 * on it (which throws) on every call before falling back to a secret key.
 */
function verificationKeys(keys: SigningKeys, secretKey: KeyObject | null): Map<string, KeyObject> {
  if (keys.algorithm === 'HS256' && secretKey) return new Map([[keys.keyId, secretKey]]);
  if (keys.algorithm === 'HS256') return new Map();
  return new Map<string, KeyObject>([...keys.previousPublicKeys, [keys.keyId, createPublicKey(keys.privateKey)]]);
}

function hasRequiredClaims(payload: unknown): payload is AccessClaims {
  if (!payload || typeof payload !== 'object') return false;
  const claims = payload as Record<string, unknown>;
  return (
    typeof claims.sub === 'string' &&
    typeof claims.sid === 'string' &&
    typeof claims.jti === 'string' &&
    typeof claims.iat === 'number' &&
    typeof claims.exp === 'number'
  );
}

/**
 * Remembers tokens that passed the full check, by their exact text, so a
 * session's next calls skip the decode, HMAC/RSA and claim checks (≈ 6 % of
 * a gated call's CPU; ADR 036). Everything the full check decided stays true
 * for the same bytes except time, so a hit re-checks expiry and maximum age
 * with the same tolerance; anything unverified is never stored. Oldest first
 * out when full.
 */
function createVerifiedTokenCache(options: { size: number; ttlSeconds: number }) {
  const claimsByToken = new Map<string, AccessClaims>();
  return {
    get(token: string): AccessClaims | undefined {
      const claims = claimsByToken.get(token);
      if (!claims) return undefined;
      const now = Math.floor(Date.now() / 1000);
      // jsonwebtoken's own conditions: expired at exp + tolerance, too old at iat + maxAge + tolerance.
      const notAfter = Math.min(claims.exp, claims.iat + options.ttlSeconds) + CLOCK_TOLERANCE_SECONDS;
      if (now < notAfter) return claims;
      claimsByToken.delete(token);
      return undefined;
    },
    set(token: string, claims: AccessClaims): void {
      if (options.size <= 0) return;
      if (claimsByToken.size >= options.size) {
        const oldest = claimsByToken.keys().next();
        if (!oldest.done) claimsByToken.delete(oldest.value);
      }
      claimsByToken.set(token, claims);
    },
  };
}

/**
 * Issues and verifies short-lived JWT access tokens. Verification pins the
 * algorithm, issuer, audience, type and key id (from a static map), so
 * `alg: none`, algorithm confusion, foreign keys and other token types fail.
 */
export function createAccessTokens(options: {
  keys: SigningKeys;
  issuer: string;
  audience: string;
  ttlSeconds: number;
  /** How many verified tokens to remember (ADR 036); 0 verifies every call. */
  verifiedCacheSize?: number;
}): AccessTokens {
  const { keys, issuer, audience, ttlSeconds } = options;
  const verified = createVerifiedTokenCache({
    size: options.verifiedCacheSize ?? DEFAULT_VERIFIED_CACHE_SIZE,
    ttlSeconds,
  });
  const secretKey = keys.algorithm === 'HS256' ? createSecretKey(Buffer.from(keys.secret, 'utf8')) : null;
  const signingKey = secretKey ?? (keys.algorithm === 'RS256' ? keys.privateKey : null);
  if (!signingKey) throw new Error('no signing key');
  const byKeyId = verificationKeys(keys, secretKey);
  const verifyOptions: jwt.VerifyOptions & { complete: false } = {
    algorithms: [keys.algorithm],
    issuer,
    audience,
    clockTolerance: CLOCK_TOLERANCE_SECONDS,
    maxAge: `${ttlSeconds}s`,
    complete: false,
  };

  /** The full check: header pins, key by id, signature and claims (jsonwebtoken). */
  function verifyToken(token: string): AccessClaims | null {
    const decoded = jwt.decode(token, { complete: true });
    if (!decoded || typeof decoded.payload === 'string') return null;
    const header = decoded.header as unknown as Record<string, unknown>;
    if (header.typ !== ACCESS_TOKEN_TYPE || header.alg !== keys.algorithm) return null;
    if (FORBIDDEN_HEADERS.some((name) => name in header)) return null;
    const key = typeof header.kid === 'string' ? byKeyId.get(header.kid) : undefined;
    if (!key) return null;
    try {
      const payload = jwt.verify(token, key, verifyOptions);
      return hasRequiredClaims(payload) ? Object.freeze(payload) : null;
    } catch {
      return null;
    }
  }

  return {
    issue({ userId, sessionId }) {
      const token = jwt.sign({ sid: sessionId }, signingKey, {
        algorithm: keys.algorithm,
        header: { alg: keys.algorithm, typ: ACCESS_TOKEN_TYPE, kid: keys.keyId },
        subject: userId,
        issuer,
        audience,
        expiresIn: ttlSeconds,
        jwtid: randomUUID(),
      });
      return { token, expiresAt: new Date(Date.now() + ttlSeconds * 1000) };
    },

    verify(token) {
      const remembered = verified.get(token);
      if (remembered) return remembered;
      const claims = verifyToken(token);
      if (claims) verified.set(token, claims);
      return claims;
    },

    jwks() {
      if (keys.algorithm === 'HS256') return null;
      return {
        keys: [...byKeyId].map(([kid, key]) => ({
          ...key.export({ format: 'jwk' }),
          kid,
          alg: keys.algorithm,
          use: 'sig',
        })),
      };
    },
  };
}
